// Package lesson is the checker's one model of a lesson: where the
// workshop's root is, which lesson folders it has (and which of them are
// drafts), and, for each lesson, its folder, package pattern, files, tests
// in exercise order, README, solution and mistakes. Grading and verify both
// load lessons through it, so the learner's report and the maintainers'
// gate always agree on what a lesson is.
package lesson

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
)

// ModulePath is the module path the checker expects to find in go.mod.
const ModulePath = "github.com/wherewaiting/workshop"

// Root walks up from dir to the folder that holds the workshop's go.mod.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && modulePathRE.Match(data) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside the workshop: no go.mod for module %s above it; cd into your copy of the workshop and run the checker again", dir, ModulePath)
		}
	}
}

var modulePathRE = regexp.MustCompile(`(?m)^module\s+` + regexp.QuoteMeta(ModulePath) + `\s*$`)

// ID names one lesson folder, lessons/NN-slug. Every path it gives is
// relative to the module root and slash-separated: filepath.Join and
// filepath.FromSlash turn it into a path of the machine.
type ID struct {
	Number string // "03"
	Slug   string // "fan-out"
	// Draft is set for a lesson in progress: every .go file of its folder
	// carries the build constraint `//go:build draft` (see DraftTag).
	Draft bool
}

// Name is "NN-slug".
func (id ID) Name() string { return id.Number + "-" + id.Slug }

// Dir is the lesson's folder: "lessons/03-fan-out".
func (id ID) Dir() string { return path.Join("lessons", id.Name()) }

// Pattern is the go command's package pattern for the lesson: "./lessons/03-fan-out/".
func (id ID) Pattern() string { return "./" + id.Dir() + "/" }

// ImportPath is the lesson package's import path.
func (id ID) ImportPath() string { return ModulePath + "/" + id.Dir() }

// SolutionDir is the folder of the lesson's solution: "solutions/03-fan-out".
func (id ID) SolutionDir() string { return path.Join("solutions", id.Name()) }

// SolutionPattern is the go command's package pattern for the solution.
func (id ID) SolutionPattern() string { return "./" + id.SolutionDir() + "/" }

// SolutionImportPath is the solution package's import path.
func (id ID) SolutionImportPath() string { return ModulePath + "/" + id.SolutionDir() }

// MistakesDir is the folder that holds the lesson's mistakes.
func (id ID) MistakesDir() string { return path.Join(id.SolutionDir(), "testdata", "mistakes") }

// MistakeDir is the folder of one mistake.
func (id ID) MistakeDir(name string) string { return path.Join(id.MistakesDir(), name) }

var lessonDirRE = regexp.MustCompile(`^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)$`)

// ParseName reads a lesson folder's name, "NN-slug", as it names the
// lesson's deck (slides/NN-slug.slide) and its pictures too. Draft is left
// unset: only the lesson's files say that.
func ParseName(name string) (ID, bool) {
	m := lessonDirRE.FindStringSubmatch(name)
	if m == nil {
		return ID{}, false
	}
	return ID{Number: m[1], Slug: m[2]}, true
}

// List lists the lesson folders under root/lessons, drafts included, in
// number order.
func List(root string) ([]ID, error) {
	entries, err := os.ReadDir(filepath.Join(root, "lessons"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no lessons folder in %s", root)
	}
	if err != nil {
		return nil, err
	}
	var out []ID
	for _, e := range entries {
		id, ok := ParseName(e.Name())
		if !e.IsDir() || !ok {
			continue
		}
		id.Draft = IsDraft(filepath.Join(root, filepath.FromSlash(id.Dir())))
		out = append(out, id)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// Published keeps the lessons that are not drafts.
func Published(ids []ID) []ID {
	var out []ID
	for _, id := range ids {
		if !id.Draft {
			out = append(out, id)
		}
	}
	return out
}

// Lesson is what the checker knows of one lesson before any test runs,
// read from its folders. Missing pieces are not errors here: verify
// reports them, so one broken lesson never hides the rest.
type Lesson struct {
	ID
	Root string // absolute module root
	// Files, when set, is where the lesson's files are read to explain a
	// failure, in place of Root: the checker's tests grade streams
	// recorded at another root than the fixture's folder.
	Files string

	StarterFiles []string // non-test .go file names in the lesson folder
	TestFiles    []string // _test.go file names in the lesson folder
	// Tests are the top-level tests, in exercise order: by the number of
	// the README exercise that names them, in source order (file by file)
	// within an exercise; tests no exercise names come last.
	Tests        []string
	TestProblems []string // test files that could not be parsed

	Readme    lessonsrc.Readme
	HasReadme bool
	TODOs     []lessonsrc.TODO // the starter's TODO(N) marks, by exercise

	HasSolution   bool
	SolutionFiles []string // non-test .go file names in the solution folder
	SolutionTests []string // _test.go files, which do not belong in a solution
	Mistakes      []string // folder names under the mistakes folder, sorted
}

// Abs turns a root-relative slash path into an absolute path.
func (l *Lesson) Abs(rel ...string) string {
	return filepath.Join(append([]string{l.Root}, filepath.FromSlash(path.Join(rel...)))...)
}

// Exercise is the number of the exercise whose README item names test, or 0.
func (l *Lesson) Exercise(test string) int { return l.Readme.ExerciseOf()[test] }

// Load reads one lesson of the workshop at root.
func Load(root string, id ID) *Lesson {
	l := &Lesson{ID: id, Root: root}
	dir := l.Abs(id.Dir())
	l.StarterFiles, l.TestFiles, _ = lessonsrc.GoFiles(dir)
	var tests []string
	for _, f := range l.TestFiles {
		names, err := lessonsrc.FileTests(filepath.Join(dir, f))
		if err != nil {
			l.TestProblems = append(l.TestProblems, err.Error())
		}
		tests = append(tests, names...)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "README.md")); err == nil {
		l.HasReadme = true
		l.Readme = lessonsrc.ParseReadme(string(data))
	} else {
		l.Readme = lessonsrc.ParseReadme("")
	}
	l.Tests = InExerciseOrder(tests, l.Readme.ExerciseOf())
	// A starter file that cannot be read shows in the build; its marks are
	// simply missing here.
	l.TODOs, _ = lessonsrc.TODOs(dir)
	if fi, err := os.Stat(l.Abs(id.SolutionDir())); err == nil && fi.IsDir() {
		l.HasSolution = true
		l.SolutionFiles, l.SolutionTests, _ = lessonsrc.GoFiles(l.Abs(id.SolutionDir()))
	}
	if entries, err := os.ReadDir(l.Abs(id.MistakesDir())); err == nil {
		for _, e := range entries {
			if e.IsDir() {
				l.Mistakes = append(l.Mistakes, e.Name())
			}
		}
		sort.Strings(l.Mistakes)
	}
	return l
}

// LoadAll lists and loads every lesson of root, drafts included.
func LoadAll(root string) ([]*Lesson, error) {
	ids, err := List(root)
	if err != nil {
		return nil, err
	}
	out := make([]*Lesson, len(ids))
	for i, id := range ids {
		out[i] = Load(root, id)
	}
	return out, nil
}

// InExerciseOrder sorts test names by the exercise that names them,
// keeping their order within an exercise; tests no exercise names go last.
func InExerciseOrder(tests []string, exercise map[string]int) []string {
	out := append([]string(nil), tests...)
	rank := func(t string) int {
		if n, ok := exercise[t]; ok && n > 0 {
			return n
		}
		return int(^uint(0) >> 1)
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i]) < rank(out[j]) })
	return out
}
