// Package report writes the checker's verdicts for people (a summary of
// every lesson, or one lesson in detail) and for machines (-json).
package report

import (
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
)

// Entry is one row of the course: a lesson that exists (Result set) or one
// that is coming soon (Result nil).
type Entry struct {
	Number, Slug, Title string
	Result              *grade.Lesson
	// FirstTODO is the first exercise mark of the starter, to say where
	// to begin a lesson that is not started.
	FirstTODO *lessonsrc.TODO
}

// Name is "NN-slug".
func (e Entry) Name() string { return e.Number + "-" + e.Slug }

// Dir is the lesson folder, relative to the module root, slash-separated.
func (e Entry) Dir() string { return lesson.ID{Number: e.Number, Slug: e.Slug}.Dir() }

// Status is the lesson's verdict, ComingSoon if it does not exist yet.
func (e Entry) Status() grade.Status {
	if e.Result == nil {
		return grade.ComingSoon
	}
	return e.Result.Status
}

// Options shape the output.
type Options struct {
	Color bool
	// RaceChecked is false when the race detector could not run: the
	// commands shown then leave -race out, and a note says why.
	RaceChecked bool
	// Place is where the learner runs the checker: the commands shown
	// work there.
	Place Place
	// All shows every failing test of a lesson in full; without it, the
	// detail leads with the exercise the learner is on and folds the
	// failing tests of the others to one line each.
	All bool
}

// Place is the folder, inside the workshop, where the checker runs, so
// that every command it shows works there.
type Place struct {
	// Here is the folder relative to the module root, slash-separated:
	// "" at the root, "lessons/03-fan-out" in a lesson's folder.
	Here string
}

// Checker is the command that runs the checker here: `go run ./checker`
// at the root, where ./checker is its folder; `go tool checker`, which
// the tool directive in go.mod makes work anywhere in the module,
// elsewhere.
func (pl Place) Checker() string {
	if pl.Here == "" {
		return "go run ./checker"
	}
	return "go tool checker"
}

// Hint is the command that shows the next hint of an exercise of a
// lesson, here; with exercise 0, of the exercise the learner is on.
func (pl Place) Hint(lesson string, exercise int) string {
	if exercise == 0 {
		return fmt.Sprintf("%s hint %s", pl.Checker(), lesson)
	}
	return fmt.Sprintf("%s hint %s %d", pl.Checker(), lesson, exercise)
}

// Path is the way from here to a root-relative, slash-separated path.
func (pl Place) Path(rel string) string {
	if pl.Here == "" {
		return rel
	}
	p, err := filepath.Rel(filepath.FromSlash(pl.Here), filepath.FromSlash(rel))
	if err != nil {
		return rel
	}
	return filepath.ToSlash(p)
}

// Package is the go command's pattern, from here, for the package in the
// root-relative folder dir: "./lessons/03-fan-out/" at the root, "." in
// the folder itself, "../03-fan-out/" next to it. (A pattern without a
// leading dot would name an import path, not a folder.)
func (pl Place) Package(dir string) string {
	p := pl.Path(dir)
	switch {
	case p == ".":
		return p
	case strings.HasPrefix(p, "../"):
		return p + "/"
	}
	return "./" + p + "/"
}

// commands writes the commands to run.
func (p painter) commands(w io.Writer, cmds []string) {
	for _, c := range cmds {
		fmt.Fprintf(w, "  %s\n", p.paint(cyan, c))
	}
}

// Entries merges the arc with the lessons that exist and their results
// (by lesson name), in number order. Lessons outside the arc are kept.
func Entries(results []grade.Lesson, todos map[string]*lessonsrc.TODO) []Entry {
	byNumber := map[string]int{}
	var out []Entry
	for _, p := range lesson.Arc {
		byNumber[p.Number] = len(out)
		out = append(out, Entry{Number: p.Number, Slug: p.Slug, Title: p.Title})
	}
	for i := range results {
		r := &results[i]
		e := Entry{Number: r.Lesson.Number, Slug: r.Lesson.Slug, Title: r.Title, Result: r, FirstTODO: todos[r.Lesson.Name()]}
		if e.Title == "" {
			e.Title = lesson.PlannedTitle(e.Number)
		}
		if e.Title == "" {
			e.Title = e.Slug
		}
		if j, ok := byNumber[e.Number]; ok && out[j].Result == nil {
			out[j] = e
			continue
		}
		out = append(out, e)
	}
	// Keep number order when lessons outside the arc were appended.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Number < out[j-1].Number; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Step is what to do next.
type Step struct {
	Entry    Entry
	Problem  string   // one sentence
	Commands []string // to run, in order
}

// Next picks the first lesson, in order, that is not done. Nil when every
// lesson that exists is done.
func Next(entries []Entry, opt Options) *Step {
	for _, e := range entries {
		if e.Result == nil || e.Result.Status == grade.Done {
			continue
		}
		return &Step{Entry: e, Problem: problem(e, opt), Commands: Commands(e, opt)}
	}
	return nil
}

// Commands are the two commands for working on a lesson, as they work
// where the checker runs: its tests as the checker runs them (with -race,
// unless it could not run; the race note says why), and the checker's
// detail of the lesson.
//
// After a go vet verdict (every test passes, the full go vet does not) the
// first is the full go vet instead: go test passes there.
func Commands(e Entry, opt Options) []string {
	race := " -race"
	if !opt.RaceChecked {
		race = ""
	}
	if e.Result != nil && e.Result.Status == grade.VetFails {
		return []string{vetCommand(e, opt), fmt.Sprintf("%s %s", opt.Place.Checker(), e.Number)}
	}
	return []string{
		fmt.Sprintf("go test%s %s", race, opt.Place.Package(e.Dir())),
		fmt.Sprintf("%s %s", opt.Place.Checker(), e.Number),
	}
}

func problem(e Entry, opt Options) string {
	r := e.Result
	if r.Status == grade.NotStarted {
		s := fmt.Sprintf("not started yet: read %s", opt.Place.Path(path.Join(e.Dir(), "README.md")))
		if t := e.FirstTODO; t != nil {
			s += fmt.Sprintf(", then start at TODO(%d) in %s:%d", t.Exercise, opt.Place.Path(path.Join(e.Dir(), t.File)), t.Line)
		}
		return s
	}
	return r.ProblemFrom(opt.Place.Path)
}

// painter paints with colours when it is true.
type painter bool

func (p painter) paint(code, s string) string { return ansi.Paint(bool(p), code, s) }

// The colours of the output, used only when Options.Color is set.
const (
	bold   = ansi.Bold
	dim    = ansi.Dim
	red    = ansi.Red
	green  = ansi.Green
	yellow = ansi.Yellow
	cyan   = ansi.Cyan
)

func statusColor(s grade.Status) string {
	switch s {
	case grade.Done:
		return green
	case grade.NotStarted, grade.ComingSoon:
		return dim
	case grade.TestsChanged, grade.OlderVersion:
		return yellow
	}
	return red
}

func testColor(s grade.TestStatus) string {
	switch s {
	case grade.Pass:
		return green
	case grade.Skip, grade.NotRun:
		return yellow
	}
	return red
}

// StatusText is the lesson's status with its count of tests, for example
// "failing (3 of 5 tests pass)", and of go vet's findings.
func StatusText(e Entry) string {
	r := e.Result
	if r == nil {
		return string(grade.ComingSoon)
	}
	switch r.Status {
	case grade.Done, grade.NoCompile, grade.NotStarted, grade.TestsChanged, grade.OlderVersion:
		return string(r.Status)
	case grade.VetFails:
		return fmt.Sprintf("%s (%s)", r.Status, plural(len(r.Vet), "finding"))
	}
	var counts []string
	if r.Total > 0 {
		counts = append(counts, fmt.Sprintf("%d of %d tests pass", r.Passed, r.Total))
	}
	if len(r.Vet) > 0 {
		counts = append(counts, plural(len(r.Vet), "go vet finding"))
	}
	if len(counts) == 0 {
		return string(r.Status)
	}
	return fmt.Sprintf("%s (%s)", r.Status, strings.Join(counts, ", "))
}

// plural is "1 finding", "2 findings".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

const raceNote = "races were not checked: the race detector needs cgo and a C compiler; install gcc (or clang) so that `go env CGO_ENABLED` says 1, and run the checker again"

func (p painter) raceWarning(opt Options) string {
	if opt.RaceChecked {
		return ""
	}
	return p.paint(yellow, "Note: "+raceNote+".") + "\n"
}

// Score counts done lessons among the ones that exist.
func Score(entries []Entry) (done, total int) {
	for _, e := range entries {
		if e.Result == nil {
			continue
		}
		total++
		if e.Result.Status == grade.Done {
			done++
		}
	}
	return done, total
}

func percent(done, total int) int {
	if total == 0 {
		return 0
	}
	return done * 100 / total
}

// bar draws done/total in width cells.
func (p painter) bar(done, total, width int) string {
	full := 0
	if total > 0 {
		full = done * width / total
	}
	on, off := "#", "-"
	if p {
		on, off = "█", "░"
	}
	return "[" + p.paint(green, strings.Repeat(on, full)) + p.paint(dim, strings.Repeat(off, width-full)) + "]"
}
