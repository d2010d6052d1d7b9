package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
)

// mistake is one wrong variant of a lesson's files, kept in
// solutions/NN-slug/testdata/mistakes/NAME/, that the tests must catch.
type mistake struct {
	Lesson  *lesson.Lesson
	Name    string
	Files   []string // .go file names in the mistake folder
	Summary string   // the "// Mistake:" sentence
	Caught  []catch  // what its "// Caught by:" line promises
}

// catch is one entry of a "// Caught by:" line: a test and the verdict a
// learner sees on it with the mistake in place, or a go vet analyzer that
// reports it.
//
//	// Caught by: TestA, TestB (leak), go vet (lostcancel)
//
// A test without a kind fails on an assertion ("fail"); the kinds are
// those of the checker's test verdicts.
type catch struct {
	Test    string           // "" for go vet
	Verdict grade.TestStatus // for a test
	Vet     string           // the analyzer, for go vet
}

func (c catch) String() string {
	switch {
	case c.Vet != "":
		return "go vet (" + c.Vet + ")"
	case c.Verdict == grade.Fail:
		return c.Test
	}
	return fmt.Sprintf("%s (%s)", c.Test, c.Verdict)
}

// kinds are the verdicts a Caught by line may name after a test.
var kinds = []grade.TestStatus{grade.Fail, grade.Leak, grade.Race, grade.Hang, grade.Crash}

// tests lists the tests the mistake names.
func (m *mistake) tests() []string { return m.names(func(c catch) string { return c.Test }) }

// vet lists the analyzers the mistake names.
func (m *mistake) vet() []string { return m.names(func(c catch) string { return c.Vet }) }

func (m *mistake) names(of func(catch) string) []string {
	var out []string
	for _, c := range m.Caught {
		if n := of(c); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// dir is the mistake's absolute folder.
func (m *mistake) dir() string { return m.Lesson.Abs(m.relDir()) }

// relDir is the mistake's folder relative to the module root.
func (m *mistake) relDir() string { return m.Lesson.MistakeDir(m.Name) }

var kebabRE = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// loadMistake reads a mistake folder and checks it against its lesson:
// a kebab-case name, .go files that each stand in for a lesson file, and a
// header naming the tests that catch it, all of which exist.
func loadMistake(l *lesson.Lesson, name string) (*mistake, []string) {
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
		for _, c := range caught {
			if !slices.Contains(m.Caught, c) {
				m.Caught = append(m.Caught, c)
			}
		}
	}
	if len(m.Files) == 0 {
		return m, append(p, "the folder holds no .go file")
	}
	if headers == 0 {
		p = append(p, "no file starts with the header \"// Mistake: …\" and \"// Caught by: TestA, TestB (leak)\"")
	}
	for _, t := range m.tests() {
		if !slices.Contains(l.Tests, t) {
			p = append(p, fmt.Sprintf("Caught by names %s, which is not a test of %s", t, l.Dir()))
		}
	}
	return m, p
}

var (
	mistakeLineRE  = regexp.MustCompile(`^//\s*Mistake:\s*(.*)$`)
	caughtByLineRE = regexp.MustCompile(`^//\s*Caught by:\s*(.*)$`)
	catchRE        = regexp.MustCompile(`^(Test[A-Z0-9_]\w*)(?:\s+\((\w+)\))?$`)
	vetRE          = regexp.MustCompile(`^go vet\s+\((\w+)\)$`)
)

// parseHeader reads the comment lines a Go file starts with (before the
// package clause) and returns its "// Mistake:" sentence and what its
// "// Caught by:" line promises. found is false when the file has neither
// line: only one file of a mistake needs the header.
func parseHeader(src string) (summary string, caught []catch, found bool, err error) {
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
				c, err := parseCatch(f)
				if err != nil {
					return summary, caught, true, err
				}
				caught = append(caught, c)
			}
		}
	}
	switch {
	case !haveMistake && !haveCaught:
		return "", nil, false, nil
	case !haveMistake:
		return "", caught, true, fmt.Errorf("the header has \"// Caught by:\" but no \"// Mistake: <what is wrong and why>\" line")
	case !haveCaught:
		return summary, nil, true, fmt.Errorf("the header has \"// Mistake:\" but no \"// Caught by: TestA, TestB (leak)\" line")
	case summary == "":
		return summary, caught, true, fmt.Errorf("the \"// Mistake:\" line is empty; say what is wrong and why")
	case len(caught) == 0:
		return summary, caught, true, fmt.Errorf("the \"// Caught by:\" line names no test")
	}
	return summary, caught, true, nil
}

// parseCatch reads one entry of a Caught by line.
func parseCatch(s string) (catch, error) {
	if m := vetRE.FindStringSubmatch(s); m != nil {
		return catch{Vet: m[1]}, nil
	}
	m := catchRE.FindStringSubmatch(s)
	if m == nil {
		return catch{}, fmt.Errorf("the Caught by line names %q, which is neither a test nor go vet; write \"// Caught by: TestA, TestB (leak), go vet (lostcancel)\"", s)
	}
	c := catch{Test: m[1], Verdict: grade.Fail}
	if m[2] != "" {
		c.Verdict = grade.TestStatus(m[2])
		if !slices.Contains(kinds, c.Verdict) {
			return catch{}, fmt.Errorf("%s: unknown verdict (%s); write one of %s, or nothing for a failed assertion", m[1], m[2], kindList())
		}
	}
	return c, nil
}

func kindList() string {
	var s []string
	for _, k := range kinds[1:] {
		s = append(s, "("+string(k)+")")
	}
	return strings.Join(s, ", ")
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
