// Package deckshape checks the shape every lesson deck shares, from the
// deck's source: the title slide, and the order that keeps the answer for
// after the exercise (no solution before the "Your turn" slide, and the
// slides that show it marked "Solution: ").
package deckshape

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// Workshop is the subtitle's first half: "Where Waiting Lives · lesson NN".
const Workshop = "Where Waiting Lives"

// YourTurn is the title of the slide that hands over to the learner.
const YourTurn = "Your turn"

// SolutionPrefix begins the title of every slide that shows the solution.
const SolutionPrefix = "Solution: "

// Title checks the title slide of lesson number's deck: exactly
//
//	# NN · Title
//	Where Waiting Lives · lesson NN
//	Tags: …
//
// and nothing else before the first slide.
func Title(src, number string) []string {
	var head []string
	for _, l := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if strings.HasPrefix(l, "## ") {
			break
		}
		if strings.TrimSpace(l) != "" {
			head = append(head, strings.TrimRight(l, " \t"))
		}
	}
	want := []struct {
		re   *regexp.Regexp
		show string
	}{
		{regexp.MustCompile(`^# ` + regexp.QuoteMeta(number) + ` · \S`), "# " + number + " · Title"},
		{regexp.MustCompile(`^` + regexp.QuoteMeta(Workshop+" · lesson "+number) + `$`), Workshop + " · lesson " + number},
		{regexp.MustCompile(`^Tags: \S`), "Tags: …"},
	}
	var p []string
	for i, w := range want {
		switch {
		case i >= len(head):
			p = append(p, fmt.Sprintf("title slide line %d: missing; want %q", i+1, w.show))
		case !w.re.MatchString(head[i]):
			p = append(p, fmt.Sprintf("title slide line %d: %q; want %q", i+1, head[i], w.show))
		}
	}
	for _, extra := range head[min(len(head), len(want)):] {
		p = append(p, fmt.Sprintf("title slide: %q; want nothing after the Tags line (the same three lines in every deck)", extra))
	}
	return p
}

var directiveRE = regexp.MustCompile(`^\.(code|play)\s+(.*)$`)

// Order checks that no slide before the "Your turn" slide includes code or
// a picture from the solution (a .code or .play of a file under
// solutions/, or of slides/timelines/NN-slug/solution/), and that every
// slide after it that does has a title beginning "Solution: ". deckDir is
// the deck's folder relative to the module root ("slides"), to resolve the
// paths the directives name.
func Order(src, deckDir string) []string {
	type slide struct {
		n     int
		title string
		uses  []string // solution files it includes
	}
	var slides []*slide
	for _, l := range strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n") {
		if t, ok := strings.CutPrefix(l, "## "); ok {
			// Numbered as present numbers them: the title slide is 1.
			slides = append(slides, &slide{n: len(slides) + 2, title: strings.TrimSpace(t)})
			continue
		}
		m := directiveRE.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil || len(slides) == 0 {
			continue
		}
		if f := fileArg(m[2]); f != "" && isSolution(path.Join(deckDir, f)) {
			if s := slides[len(slides)-1]; !slices.Contains(s.uses, f) {
				s.uses = append(s.uses, f)
			}
		}
	}
	turn := -1
	for i, s := range slides {
		if strings.EqualFold(s.title, YourTurn) {
			turn = i
			break
		}
	}
	var p []string
	if turn < 0 {
		p = append(p, fmt.Sprintf("no slide titled %q: the exercises and their commands come before any solution", YourTurn))
		turn = len(slides)
	}
	for i, s := range slides {
		if len(s.uses) == 0 {
			continue
		}
		at := fmt.Sprintf("slide %d %q", s.n, s.title)
		switch {
		case i < turn:
			p = append(p, fmt.Sprintf("%s shows the solution (%s) before %q: show the starter and its failing picture there, the solution after", at, strings.Join(s.uses, ", "), YourTurn))
		case !strings.HasPrefix(s.title, SolutionPrefix):
			p = append(p, fmt.Sprintf("%s shows the solution (%s): begin its title with %q", at, strings.Join(s.uses, ", "), SolutionPrefix))
		}
	}
	return p
}

// fileArg is the file a .code or .play directive names: its first
// argument that is not a flag (-edit, -numbers).
func fileArg(args string) string {
	for _, f := range strings.Fields(args) {
		if !strings.HasPrefix(f, "-") {
			return f
		}
	}
	return ""
}

var solutionPictureRE = regexp.MustCompile(`^slides/timelines/[^/]+/solution/`)

// isSolution reports whether a root-relative path is solution code or a
// picture the solution drew.
func isSolution(p string) bool {
	return strings.HasPrefix(p, "solutions/") || solutionPictureRE.MatchString(p)
}
