package verify

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
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

// readmeCheck, exerciseCheck and todoCheck are the README checks of a lesson.
func readmeCheck(l *lesson.Lesson) []string {
	if !l.HasReadme {
		return []string{"cannot read " + l.Dir() + "/README.md; the exercise checks need it too"}
	}
	return readmeProblems(l.Readme, l.Number)
}

func exerciseCheck(l *lesson.Lesson) []string { return exerciseProblems(l.Readme.Exercises, l.Tests) }

func todoCheck(l *lesson.Lesson) []string { return todoProblems(l.Readme.Exercises, l.TODOs) }

// readmeProblems checks a README against the lesson conventions: the
// headings in order, a sequence diagram, collapsed hints, sources to read,
// and the commands to run.
func readmeProblems(rd lessonsrc.Readme, number string) []string {
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

	if !rd.HasMermaid("sequenceDiagram") {
		p = append(p, "no ```mermaid block with a sequenceDiagram (the story's diagram)")
	}
	if hints, ok := rd.Section("## Hints"); ok && !lessonsrc.HasDetails(hints) {
		p = append(p, "no <details> block under ## Hints")
	}
	if reading, ok := rd.Section("## Further reading"); ok && !lessonsrc.HasLink(reading) {
		p = append(p, "no link under ## Further reading")
	}
	if text, ok := rd.Section("## How to run"); ok {
		// Flags may follow -race: `go test -race -v ./lessons/01-x/` counts.
		for _, cmd := range []struct{ re, show string }{
			{`go test -race\b[^\n]*\./lessons/` + number + `-`, "go test -race ./lessons/" + number + "-slug/"},
			{`go test -race \./lessons/` + number + `\.\.\.`, "go test -race ./lessons/" + number + "...` (the short form learners type"},
			{`go run \./checker ` + number + `\b`, "go run ./checker " + number},
		} {
			if !regexp.MustCompile(cmd.re).MatchString(text) {
				p = append(p, fmt.Sprintf("## How to run does not show `%s`", cmd.show))
			}
		}
		p = append(p, raceProblems(text)...)
	}
	return p
}

// raceProblems finds the go test commands of a How to run section that
// leave -race out: they pass where the checker reports a race. Benchmarks
// are the exception: the race detector slows what they measure.
func raceProblems(text string) []string {
	var p []string
	for _, line := range strings.Split(text, "\n") {
		cmd, _, _ := strings.Cut(line, "#")
		cmd = strings.TrimSpace(cmd)
		if !strings.HasPrefix(cmd, "go test ") || strings.Contains(cmd, " -bench") || strings.Contains(cmd, " -race") {
			continue
		}
		p = append(p, fmt.Sprintf("## How to run shows `%s` without -race: it passes where the checker reports a race (only a -bench run may leave it out)", cmd))
	}
	return p
}

// exerciseProblems checks the README's exercises against the lesson's
// tests: numbered 1, 2, 3…, each names tests that exist, and every test
// is named by exactly one exercise.
func exerciseProblems(ex []lessonsrc.Exercise, tests []string) []string {
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
func todoProblems(ex []lessonsrc.Exercise, todos []lessonsrc.TODO) []string {
	first := map[int]lessonsrc.TODO{} // by exercise, the mark that comes first
	for _, t := range todos {
		if at, seen := first[t.Exercise]; !seen || t.File < at.File || (t.File == at.File && t.Line < at.Line) {
			first[t.Exercise] = t
		}
	}
	var p []string
	known := map[int]bool{}
	for _, e := range ex {
		known[e.N] = true
		if _, ok := first[e.N]; !ok {
			p = append(p, fmt.Sprintf("exercise %d has no // TODO(%d) in the starter files", e.N, e.N))
		}
	}
	var extra []int
	for n := range first {
		if !known[n] {
			extra = append(extra, n)
		}
	}
	sort.Ints(extra)
	for _, n := range extra {
		at := first[n]
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
