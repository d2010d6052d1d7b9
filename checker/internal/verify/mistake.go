package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// mistake is one wrong variant of a lesson's files, kept in
// solutions/NN-slug/testdata/mistakes/NAME/, that the tests must catch.
type mistake struct {
	Lesson   *lesson
	Name     string
	Files    []string // .go file names in the mistake folder
	Summary  string   // the "// Mistake:" sentence
	CaughtBy []string // the tests that must not pass
}

// dir is the mistake's absolute folder.
func (m *mistake) dir() string { return filepath.Join(m.Lesson.mistakesDir(), m.Name) }

// relDir is the mistake's folder relative to the module root.
func (m *mistake) relDir() string {
	return filepath.Join(m.Lesson.SolutionDir(), "testdata", "mistakes", m.Name)
}

var kebabRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// loadMistake reads a mistake folder and checks it against its lesson:
// a kebab-case name, .go files that each stand in for a lesson file, and a
// header naming the tests that catch it, all of which exist.
func loadMistake(l *lesson, name string) (*mistake, []string) {
	m := &mistake{Lesson: l, Name: name}
	var p []string
	if !kebabRE.MatchString(name) {
		p = append(p, fmt.Sprintf("the folder name %q is not kebab-case (like unbuffered-result-channel)", name))
	}
	entries, err := os.ReadDir(m.dir())
	if err != nil {
		return m, append(p, err.Error())
	}
	headers := 0
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".go") {
			continue
		}
		f := e.Name()
		m.Files = append(m.Files, f)
		if !slices.Contains(l.StarterFiles, f) {
			p = append(p, fmt.Sprintf("%s is not one of the lesson's files (%s); a mistake file is spliced into the solution file of the same name", f, strings.Join(l.StarterFiles, ", ")))
		}
		src, err := os.ReadFile(filepath.Join(m.dir(), f))
		if err != nil {
			p = append(p, err.Error())
			continue
		}
		summary, caught, found, err := parseHeader(string(src))
		if err != nil {
			p = append(p, fmt.Sprintf("%s: %v", f, err))
			continue
		}
		if !found {
			continue
		}
		headers++
		if m.Summary == "" {
			m.Summary = summary
		}
		for _, t := range caught {
			if !slices.Contains(m.CaughtBy, t) {
				m.CaughtBy = append(m.CaughtBy, t)
			}
		}
	}
	if len(m.Files) == 0 {
		return m, append(p, "the folder holds no .go file")
	}
	if headers == 0 {
		p = append(p, "no file starts with the header \"// Mistake: …\" and \"// Caught by: TestA, TestB\"")
	}
	for _, t := range m.CaughtBy {
		if !slices.Contains(l.Tests, t) {
			p = append(p, fmt.Sprintf("Caught by names %s, which is not a test of %s", t, l.Dir()))
		}
	}
	return m, p
}

var (
	mistakeLineRE  = regexp.MustCompile(`^//\s*Mistake:\s*(.*)$`)
	caughtByLineRE = regexp.MustCompile(`^//\s*Caught by:\s*(.*)$`)
	testIdentRE    = regexp.MustCompile(`^Test[A-Z0-9_]\w*$`)
	// verdictRE finds the verdict a Caught by entry may end with:
	// "TestA (race)". None means the test fails on an assertion.
	verdictRE = regexp.MustCompile(`^(.*?)\s*\((\w+)\)$`)
)

// verdictKinds are the verdicts a Caught by entry may name.
var verdictKinds = []string{"fail", "leak", "race", "hang", "crash"}

// parseHeader reads the comment lines a Go file starts with (before the
// package clause) and returns its "// Mistake:" sentence and the tests of
// its "// Caught by:" line. found is false when the file has neither line:
// only one file of a mistake needs the header.
func parseHeader(src string) (summary string, caughtBy []string, found bool, err error) {
	var haveMistake, haveCaught bool
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !strings.HasPrefix(line, "//") {
			break // the package clause, or code: the header is over
		}
		if m := mistakeLineRE.FindStringSubmatch(line); m != nil {
			haveMistake = true
			summary = strings.TrimSpace(m[1])
		}
		if m := caughtByLineRE.FindStringSubmatch(line); m != nil {
			haveCaught = true
			for _, f := range strings.Split(m[1], ",") {
				f = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(f), "."))
				if f == "" {
					continue
				}
				if m := verdictRE.FindStringSubmatch(f); m != nil {
					if !slices.Contains(verdictKinds, m[2]) {
						return summary, caughtBy, true, fmt.Errorf("the Caught by line names the verdict %q for %s; write one of %s", m[2], m[1], strings.Join(verdictKinds, ", "))
					}
					f = m[1]
				}
				if !testIdentRE.MatchString(f) {
					return summary, caughtBy, true, fmt.Errorf("the Caught by line names %q, which is not a test name; write \"// Caught by: TestA, TestB\"", f)
				}
				caughtBy = append(caughtBy, f)
			}
		}
	}
	switch {
	case !haveMistake && !haveCaught:
		return "", nil, false, nil
	case !haveMistake:
		return "", caughtBy, true, fmt.Errorf("the header has \"// Caught by:\" but no \"// Mistake: <what is wrong and why>\" line")
	case !haveCaught:
		return summary, nil, true, fmt.Errorf("the header has \"// Mistake:\" but no \"// Caught by: TestA, TestB\" line")
	case summary == "":
		return summary, caughtBy, true, fmt.Errorf("the \"// Mistake:\" line is empty; say what is wrong and why")
	case len(caughtBy) == 0:
		return summary, caughtBy, true, fmt.Errorf("the \"// Caught by:\" line names no test")
	}
	return summary, caughtBy, true, nil
}

// batchMistakes groups mistakes so one `go test` run can carry many: batch
// k holds the k-th mistake of every lesson, so no batch has two variants
// of the same package. The number of runs is the largest number of
// mistakes any lesson has, not the total.
func batchMistakes(byLesson [][]*mistake) [][]*mistake {
	var batches [][]*mistake
	for _, ms := range byLesson {
		for k, m := range ms {
			if k == len(batches) {
				batches = append(batches, nil)
			}
			batches[k] = append(batches[k], m)
		}
	}
	return batches
}
