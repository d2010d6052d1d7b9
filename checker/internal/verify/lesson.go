package verify

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

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
	l.StarterFiles, l.TestFiles = goFiles(l.abs(l.Dir()))
	for _, f := range l.TestFiles {
		names, err := testFuncs(l.abs(l.Dir(), f))
		if err != nil {
			l.TestProblems = append(l.TestProblems, err.Error())
		}
		l.Tests = append(l.Tests, names...)
	}
	sort.Strings(l.Tests)
	if fi, err := os.Stat(l.abs(l.SolutionDir())); err == nil && fi.IsDir() {
		l.HasSolution = true
		l.SolutionFiles, l.SolutionTests = goFiles(l.abs(l.SolutionDir()))
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

// goFiles lists the .go files the go tool would consider in dir, split into
// non-test and test files. Files starting with "_" or "." are ignored, as
// the go tool ignores them.
func goFiles(dir string) (nonTest, test []string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasPrefix(n, "_") || strings.HasPrefix(n, ".") {
			continue
		}
		if strings.HasSuffix(n, "_test.go") {
			test = append(test, n)
		} else {
			nonTest = append(nonTest, n)
		}
	}
	return nonTest, test
}

// testFuncs returns the names of the top-level test functions in a Go file:
// func TestXxx(t *testing.T), as `go test` finds them.
func testFuncs(path string) ([]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
	if err != nil && f == nil {
		return nil, err
	}
	var names []string
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !isTestName(fn.Name.Name) {
			continue
		}
		if fn.Type.Params == nil || len(fn.Type.Params.List) != 1 {
			continue
		}
		names = append(names, fn.Name.Name)
	}
	if err != nil {
		return names, fmt.Errorf("%s: %v", filepath.Base(path), err)
	}
	return names, nil
}

// isTestName reports whether name is a test function's name the way the
// testing package sees it: "Test", then nothing or a non-lowercase letter.
// TestMain is not a test.
func isTestName(name string) bool {
	if !strings.HasPrefix(name, "Test") || name == "TestMain" {
		return false
	}
	rest := name[len("Test"):]
	return rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z')
}

var todoRE = regexp.MustCompile(`TODO\((\d+)\)`)

// todoPlace is where a TODO(N) marker was found.
type todoPlace struct {
	File string
	Line int
}

// findTODOs collects the TODO(N) markers in the given files, by N.
func findTODOs(dir string, files []string) map[int][]todoPlace {
	out := map[int][]todoPlace{}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range todoRE.FindAllStringSubmatch(line, -1) {
				n, _ := strconv.Atoi(m[1])
				out[n] = append(out[n], todoPlace{File: f, Line: i + 1})
			}
		}
	}
	return out
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
