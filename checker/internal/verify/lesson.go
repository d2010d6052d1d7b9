package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/repo"
)

// lesson is what verify needs to know about one lesson, read from disk
// before any test runs.
type lesson struct {
	repo.Lesson
	root string // absolute module root

	StarterFiles []string // non-test .go file names in lessons/NN-slug
	TestFiles    []string // _test.go file names in lessons/NN-slug
	Tests        []string // top-level Test functions, sorted
	TestProblems []string // test files that could not be parsed

	HasSolution   bool
	SolutionFiles []string // non-test .go file names in solutions/NN-slug
	SolutionTests []string // _test.go files that should not be in solutions/NN-slug

	MistakeDirs []string // folder names under solutions/NN-slug/testdata/mistakes, sorted
}

// abs joins root-relative path elements into an absolute path.
func (l *lesson) abs(elem ...string) string {
	return filepath.Join(append([]string{l.root}, elem...)...)
}

// mistakesDir is the absolute folder that holds the lesson's mistakes.
func (l *lesson) mistakesDir() string {
	return l.abs(l.SolutionDir(), "testdata", "mistakes")
}

// loadLesson reads a lesson's folders. Missing pieces are not errors here:
// the hygiene check reports them, so one broken lesson never hides the rest.
func loadLesson(root string, rl repo.Lesson) *lesson {
	l := &lesson{Lesson: rl, root: root}
	l.StarterFiles, l.TestFiles, _ = lessonsrc.GoFiles(l.abs(l.Dir()))
	for _, f := range l.TestFiles {
		names, err := lessonsrc.FileTests(l.abs(l.Dir(), f))
		if err != nil {
			l.TestProblems = append(l.TestProblems, err.Error())
		}
		l.Tests = append(l.Tests, names...)
	}
	sort.Strings(l.Tests)
	if fi, err := os.Stat(l.abs(l.SolutionDir())); err == nil && fi.IsDir() {
		l.HasSolution = true
		l.SolutionFiles, l.SolutionTests, _ = lessonsrc.GoFiles(l.abs(l.SolutionDir()))
	}
	if entries, err := os.ReadDir(l.mistakesDir()); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				l.MistakeDirs = append(l.MistakeDirs, e.Name())
			}
		}
		sort.Strings(l.MistakeDirs)
	}
	return l
}

// shapeProblems lists the tests that do not check for leaked goroutines
// or do not run on virtual time: the two promises every lesson makes.
func shapeProblems(l *lesson) []string {
	shapes, err := lessonsrc.TestShapes(l.abs(l.Dir()))
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, s := range shapes {
		at := fmt.Sprintf("%s (%s:%d)", s.Name, filepath.Join(l.Dir(), s.File), s.Line)
		if !s.LeakChecked {
			problems = append(problems, at+": does not start with `defer goleak.VerifyNone(t)`")
		}
		if !s.VirtualTime {
			problems = append(problems, at+": does not run its body in `synctest.Test`")
		}
	}
	return problems
}

// hygieneProblems lists the pieces a lesson lacks.
func hygieneProblems(l *lesson) []string {
	var p []string
	if !fileExists(l.abs(l.Dir(), "README.md")) {
		p = append(p, "no README.md in "+l.Dir())
	}
	if len(l.StarterFiles) == 0 {
		p = append(p, "no starter .go file (non-test) in "+l.Dir())
	}
	if len(l.TestFiles) == 0 {
		p = append(p, "no _test.go file in "+l.Dir())
	}
	if !l.HasSolution {
		p = append(p, "no solution folder "+l.SolutionDir())
	}
	if deck := filepath.Join("slides", l.Name()+".slide"); !fileExists(l.abs(deck)) {
		p = append(p, "no slide deck "+deck)
	}
	return p
}

// solutionFileProblems compares the solution's non-test file names with the
// lesson's: the overlay replaces lesson files by name, so they must match.
func solutionFileProblems(l *lesson) []string {
	if !l.HasSolution {
		return []string{"no solution folder " + l.SolutionDir()}
	}
	var p []string
	for _, f := range missingFrom(l.StarterFiles, l.SolutionFiles) {
		p = append(p, fmt.Sprintf("%s has no %s (the lesson has it)", l.SolutionDir(), f))
	}
	for _, f := range missingFrom(l.SolutionFiles, l.StarterFiles) {
		p = append(p, fmt.Sprintf("%s has %s, which the lesson does not have", l.SolutionDir(), f))
	}
	for _, f := range l.SolutionTests {
		p = append(p, fmt.Sprintf("%s has a test file %s; tests live only in %s", l.SolutionDir(), f, l.Dir()))
	}
	return p
}

// missingFrom returns the names in want that are not in have.
func missingFrom(want, have []string) []string {
	set := map[string]bool{}
	for _, h := range have {
		set[h] = true
	}
	var out []string
	for _, w := range want {
		if !set[w] {
			out = append(out, w)
		}
	}
	return out
}

func fileExists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && !fi.IsDir()
}

// strayFolders lists folders in lessons/ and solutions/ that no lesson
// owns: a misnamed lesson ("3-fan-out") would otherwise go unchecked, and
// a solution without its lesson is never run.
func strayFolders(root string, lessons []repo.Lesson) []string {
	known := map[string]bool{}
	for _, l := range lessons {
		known[l.Name()] = true
	}
	var p []string
	for _, dir := range []string{"lessons", "solutions"} {
		entries, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() && !known[e.Name()] {
				p = append(p, fmt.Sprintf("%s/%s is not the folder of a lesson lessons/NN-slug, so nothing checks it", dir, e.Name()))
			}
		}
	}
	return p
}
