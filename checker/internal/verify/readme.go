package verify

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// requiredHeadings are a lesson README's level-2 headings, in order. The
// level-1 title comes before them and is checked on its own.
var requiredHeadings = []string{
	"## The story",
	"## What you will build",
	"## Exercises",
	"## How to run",
	"## Hints",
	"## The three questions",
	"## Further reading",
}

// readme is a lesson README split into what the checks look at.
type readme struct {
	// Headings are the level-1 and level-2 heading lines outside code
	// blocks, in order, with trailing space trimmed.
	Headings []string
	// Sections maps a level-2 heading ("## Hints") to the lines under it,
	// up to the next level-1 or level-2 heading.
	Sections map[string][]string
	// Fences are the code blocks, with the info string ("mermaid") and body.
	Fences []fence
}

// fence is one fenced code block.
type fence struct {
	Info string
	Body string
}

var fenceRE = regexp.MustCompile("^ {0,3}(```+|~~~+)\\s*([^`\\s]*)")

// parseReadme splits a Markdown README into headings, sections and code
// blocks. It knows just enough Markdown for that: a "#" inside a code
// block is not a heading.
func parseReadme(text string) readme {
	rd := readme{Sections: map[string][]string{}}
	var (
		section   string
		inFence   string // the fence marker while inside a code block
		fenceInfo string
		body      []string
	)
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if inFence != "" {
			if strings.HasPrefix(strings.TrimSpace(line), inFence) && strings.Trim(strings.TrimSpace(line), inFence[:1]) == "" {
				rd.Fences = append(rd.Fences, fence{Info: fenceInfo, Body: strings.Join(body, "\n")})
				inFence, body = "", nil
			} else {
				body = append(body, line)
			}
			if section != "" {
				rd.Sections[section] = append(rd.Sections[section], line)
			}
			continue
		}
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			inFence, fenceInfo = m[1], m[2]
			if section != "" {
				rd.Sections[section] = append(rd.Sections[section], line)
			}
			continue
		}
		trimmed := strings.TrimRight(line, " \t")
		if strings.HasPrefix(trimmed, "# ") || strings.HasPrefix(trimmed, "## ") {
			rd.Headings = append(rd.Headings, trimmed)
			section = ""
			if strings.HasPrefix(trimmed, "## ") {
				section = trimmed
				if _, dup := rd.Sections[section]; !dup {
					rd.Sections[section] = []string{}
				}
			}
			continue
		}
		if section != "" {
			rd.Sections[section] = append(rd.Sections[section], line)
		}
	}
	if inFence != "" {
		rd.Fences = append(rd.Fences, fence{Info: fenceInfo, Body: strings.Join(body, "\n")})
	}
	return rd
}

var (
	linkRE    = regexp.MustCompile(`\[[^\]]+\]\([^)\s]+\)|<https?://[^>]+>|https?://\S+`)
	detailsRE = regexp.MustCompile(`(?i)<details\b`)
)

// readmeProblems checks a README against the lesson conventions: the
// headings in order, a sequence diagram, collapsed hints, sources to read,
// and the commands to run.
func readmeProblems(rd readme, number string) []string {
	var p []string
	var h1 []string
	for _, h := range rd.Headings {
		if strings.HasPrefix(h, "# ") {
			h1 = append(h1, h)
		}
	}
	title := regexp.MustCompile(`^# ` + regexp.QuoteMeta(number) + ` · \S`)
	switch {
	case len(h1) == 0:
		p = append(p, fmt.Sprintf("no title line: want \"# %s · Title\" first", number))
	case len(rd.Headings) > 0 && !strings.HasPrefix(rd.Headings[0], "# "):
		p = append(p, fmt.Sprintf("the title %q must come before %q", h1[0], rd.Headings[0]))
	case !title.MatchString(h1[0]):
		p = append(p, fmt.Sprintf("title %q: want \"# %s · Title\" (with a middle dot ·)", h1[0], number))
	}
	if len(h1) > 1 {
		p = append(p, fmt.Sprintf("more than one level-1 heading: %q", h1[1:]))
	}
	var h2 []string
	for _, h := range rd.Headings {
		if strings.HasPrefix(h, "## ") {
			h2 = append(h2, h)
		}
	}
	if !slices.Equal(h2, requiredHeadings) {
		p = append(p, fmt.Sprintf("headings: got %s; want %s, in this order", quoteList(h2), quoteList(requiredHeadings)))
	}

	hasSeq := false
	for _, f := range rd.Fences {
		if f.Info == "mermaid" && strings.Contains(f.Body, "sequenceDiagram") {
			hasSeq = true
		}
	}
	if !hasSeq {
		p = append(p, "no ```mermaid block with a sequenceDiagram (the story's diagram)")
	}
	if hints, ok := rd.Sections["## Hints"]; ok && !detailsRE.MatchString(strings.Join(hints, "\n")) {
		p = append(p, "no <details> block under ## Hints")
	}
	if reading, ok := rd.Sections["## Further reading"]; ok && !linkRE.MatchString(strings.Join(reading, "\n")) {
		p = append(p, "no link under ## Further reading")
	}
	if run, ok := rd.Sections["## How to run"]; ok {
		text := strings.Join(run, "\n")
		// Flags may come between: `go test -race ./lessons/01-x/` counts.
		for _, cmd := range []struct{ re, show string }{
			{`go test\b[^\n]*\./lessons/` + number, "go test ./lessons/" + number + "…"},
			{`go run \./checker ` + number + `\b`, "go run ./checker " + number},
		} {
			if !regexp.MustCompile(cmd.re).MatchString(text) {
				p = append(p, fmt.Sprintf("## How to run does not show `%s`", cmd.show))
			}
		}
	}
	return p
}

// exercise is one item of a README's numbered exercise list.
type exercise struct {
	N     int      // the number the item is written with
	Tests []string // Test names in backticks, in order, without repeats
}

var (
	itemRE     = regexp.MustCompile(`^ {0,3}(\d+)[.)](?:\s+|$)`)
	backtickRE = regexp.MustCompile("`([^`]+)`")
	testNameRE = regexp.MustCompile(`\bTest[A-Z0-9_]\w*`)
)

// parseExercises reads the numbered list under "## Exercises". An item
// runs until the next item; indented lines and sub-lists belong to it.
func parseExercises(lines []string) []exercise {
	var out []exercise
	for _, line := range lines {
		if m := itemRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			out = append(out, exercise{N: n})
		}
		if len(out) == 0 {
			continue
		}
		cur := &out[len(out)-1]
		for _, span := range backtickRE.FindAllStringSubmatch(line, -1) {
			for _, name := range testNameRE.FindAllString(span[1], -1) {
				if !slices.Contains(cur.Tests, name) {
					cur.Tests = append(cur.Tests, name)
				}
			}
		}
	}
	return out
}

// exerciseProblems checks the README's exercises against the lesson's
// tests: numbered 1, 2, 3…, each names tests that exist, and every test
// is named by exactly one exercise.
func exerciseProblems(ex []exercise, tests []string) []string {
	if len(ex) == 0 {
		return []string{"## Exercises has no numbered list (\"1. … Checked by `TestX`.\")"}
	}
	var p []string
	namedBy := map[string][]int{}
	for i, e := range ex {
		if e.N != i+1 {
			p = append(p, fmt.Sprintf("exercise %d is numbered %d; number them 1, 2, 3…", i+1, e.N))
		}
		if len(e.Tests) == 0 {
			p = append(p, fmt.Sprintf("exercise %d names no test; name its tests in backticks, e.g. `TestX`", e.N))
		}
		for _, t := range e.Tests {
			namedBy[t] = append(namedBy[t], e.N)
			if !slices.Contains(tests, t) {
				p = append(p, fmt.Sprintf("exercise %d names %s, which is not a test of the lesson", e.N, t))
			}
		}
	}
	for _, t := range tests {
		switch n := namedBy[t]; {
		case len(n) == 0:
			p = append(p, fmt.Sprintf("%s is not named by any exercise", t))
		case len(n) > 1:
			p = append(p, fmt.Sprintf("%s is named by exercises %s; each test belongs to exactly one", t, joinInts(n)))
		}
	}
	return p
}

// todoProblems checks that every exercise N has a TODO(N) in the starter
// and that no TODO points at an exercise that does not exist.
func todoProblems(ex []exercise, todos map[int][]todoPlace) []string {
	var p []string
	known := map[int]bool{}
	for _, e := range ex {
		known[e.N] = true
		if len(todos[e.N]) == 0 {
			p = append(p, fmt.Sprintf("exercise %d has no // TODO(%d) in the starter files", e.N, e.N))
		}
	}
	var extra []int
	for n := range todos {
		if !known[n] {
			extra = append(extra, n)
		}
	}
	sort.Ints(extra)
	for _, n := range extra {
		at := todos[n][0]
		p = append(p, fmt.Sprintf("%s:%d has TODO(%d), but the README has no exercise %d", at.File, at.Line, n, n))
	}
	return p
}

func quoteList(list []string) string {
	if len(list) == 0 {
		return "none"
	}
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}

func joinInts(ns []int) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, " and ")
}
