package verify

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
)

// shapeProblems lists the tests that do not check for leaked goroutines
// or do not run on virtual time: the two promises every lesson makes.
func shapeProblems(l *lesson.Lesson) []string {
	shapes, err := lessonsrc.TestShapes(l.Abs(l.Dir()))
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, s := range shapes {
		at := fmt.Sprintf("%s (%s/%s:%d)", s.Name, l.Dir(), s.File, s.Line)
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
func hygieneProblems(l *lesson.Lesson) []string {
	var p []string
	if !l.HasReadme {
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
	if deck := "slides/" + l.Name() + ".slide"; !fileExists(l.Abs(deck)) {
		p = append(p, "no slide deck "+deck)
	}
	return append(p, l.TestProblems...)
}

// solutionFileProblems compares the solution's non-test file names with the
// lesson's: the overlay replaces lesson files by name, so they must match.
func solutionFileProblems(l *lesson.Lesson) []string {
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
func strayFolders(root string, lessons []*lesson.Lesson) []string {
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
