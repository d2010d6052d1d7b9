// Package grading is the checker's pipeline from lessons to verdicts, as a
// learner sees them: lessons still exactly as shipped graded from the
// manifest without a build, one `go test -json` over the others (so
// packages build in parallel), the tests of a crashed package run again
// one by one, a failed build told apart as the compiler's or go vet's,
// the full go vet on the lessons that built, and each lesson graded.
// `go run ./checker` grades a learner's lessons through it (see Learner),
// and verify grades every mistake through it (see Run), so the verdict a
// mistake's header names is the one a learner would see.
package grading

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/rerun"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Timeout is how long a test binary may run: a lesson test takes
// milliseconds of virtual time, so one that runs for seconds is stuck.
// The same limit applies to a binary's initialisation (from its start to
// its first test) and to a test run alone, so the learner reads one figure
// whatever waited.
const Timeout = 10 * time.Second

// SoloParallel is how many single-test runs go at once after a crash. A
// hung test binary uses no CPU while it waits for its timeout, so running
// more of them than there are cores lets a lesson whose every test hangs
// finish in about one timeout rather than one per core's share of tests.
const SoloParallel = 8

// Options say how to run the tests. The zero value of each field but
// Runner is a sensible default.
type Options struct {
	Runner gotest.Runner
	// Race asks for -race. When the race detector turns out not to work
	// here, the run is made again without it, and Result.RaceChecked says
	// so.
	Race bool
	// Count is -count when above 0 (which turns test caching off). A
	// learner's grade leaves it at 0; verify asks for fresh runs.
	Count int
	// Overlay is a go test -overlay file: verify grades a mistake by
	// putting it in place of the lesson's files.
	Overlay string
	// Timeout defaults to the package's Timeout.
	Timeout time.Duration
	// Shipped and Current are the manifest the checker ships with and the
	// one computed from the files now; they decide "tests changed" and
	// "not started". Left empty, neither verdict is given.
	Shipped, Current manifest.Manifest
	// SkipUntouched grades a lesson whose files are exactly as shipped
	// (manifest.Diff.Untouched) from the manifest alone, without building
	// it: not started, its tests not run (grade.TestsNotRun). A fresh copy
	// then costs no build at all.
	SkipUntouched bool
	// Vet runs the full go vet on every lesson that built, but not on one
	// whose files are exactly as shipped: a finding keeps it from done.
	// It needs a Runner that is a gotest.Vetter.
	Vet bool
	// Env holds extra KEY=VALUE settings for every go command the grade
	// runs, and so for the tests; Exec runs each test binary through a
	// command (go test -exec). Class grading sets both.
	Env  []string
	Exec []string
	// OnEvent sees every event of the main run (for a progress line);
	// Note is told about work after it. Both may be nil.
	OnEvent func(testjson.Event)
	Note    func(string)
}

// Result is the grade of every lesson, in the order they were given.
type Result struct {
	Lessons []grade.Lesson
	// RaceChecked is false when -race was asked for and could not run.
	RaceChecked bool
}

// Run grades lessons.
func Run(ctx context.Context, lessons []*lesson.Lesson, opt Options) (Result, error) {
	res := Result{RaceChecked: opt.Race}
	if len(lessons) == 0 {
		return res, nil
	}
	if opt.Timeout == 0 {
		opt.Timeout = Timeout
	}
	diffs := make([]manifest.Diff, len(lessons))
	var toRun []*lesson.Lesson
	for i, l := range lessons {
		diffs[i] = opt.Shipped.Compare(opt.Current, l.Dir())
		if !opt.SkipUntouched || !diffs[i].Untouched() {
			toRun = append(toRun, l)
		}
	}
	base := gotest.Request{Race: opt.Race, Count: opt.Count, Overlay: opt.Overlay, Timeout: opt.Timeout, StartLimit: opt.Timeout, ExtraEnv: opt.Env, Exec: opt.Exec}
	run := &testjson.Run{}
	if len(toRun) > 0 {
		req := base
		for _, l := range toRun {
			req.Patterns = append(req.Patterns, l.Pattern())
		}
		var err error
		run, err = opt.Runner.Run(ctx, req, opt.OnEvent)
		if errors.Is(err, gotest.ErrNoRace) {
			// cgo is on but no C compiler works, or the platform has no
			// race detector: grade without it rather than not at all.
			res.RaceChecked = false
			base.Race, base.NoCgo = false, true
			req.Race, req.NoCgo = base.Race, base.NoCgo
			run, err = opt.Runner.Run(ctx, req, opt.OnEvent)
		}
		if err != nil {
			return res, err
		}
	}

	var jobs []rerun.Job
	for _, l := range toRun {
		for _, t := range rerun.Needed(run.Package(l.ImportPath()), l.Tests) {
			jobs = append(jobs, rerun.Job{Pattern: l.Pattern(), ImportPath: l.ImportPath(), Test: t})
		}
	}
	var solo map[rerun.Job]*testjson.Package
	if len(jobs) > 0 {
		if opt.Note != nil {
			// Each test that hangs alone takes the whole timeout: say so,
			// or a lesson with several hangs seems stuck itself.
			opt.Note(fmt.Sprintf("running %d tests alone; a hang stops at %v", len(jobs), opt.Timeout))
		}
		solo = rerun.Run(ctx, opt.Runner, base, jobs, SoloParallel, nil)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}

	for i, l := range lessons {
		if opt.SkipUntouched && diffs[i].Untouched() {
			res.Lessons = append(res.Lessons, grade.Untouched(l, diffs[i]))
			continue
		}
		in := grade.Input{
			Lesson:  l,
			Package: run.Package(l.ImportPath()),
			Solo:    map[string]*testjson.Package{},
			Diff:    diffs[i],
		}
		for j, p := range solo {
			if j.Pattern == l.Pattern() {
				in.Solo[j.Test] = p
			}
		}
		r := grade.Grade(in)
		if r.Build != nil && r.Build.Kind == failure.Compile {
			tellVetFromCompiler(ctx, opt.Runner, l, base, r.Build)
		}
		res.Lessons = append(res.Lessons, r)
	}

	vet, err := runVet(ctx, opt, base, lessons, diffs, res.Lessons)
	if err != nil {
		return res, err
	}
	for i, l := range lessons {
		if found, ok := vet[l.ImportPath()]; ok {
			res.Lessons[i] = res.Lessons[i].WithVet(found)
		}
		if res.Lessons[i].Ran() {
			res.Lessons[i].Hint = hintExercise(l, res.Lessons[i])
		}
	}
	return res, nil
}

// runVet runs the full go vet, in one go, on the lessons whose files are
// not exactly as shipped (a shipped starter passes it: CI vets every
// lesson) and whose package built, or was stopped by the few analyzers go
// test runs (the full go vet names them), and returns its findings by
// import path. go vet that cannot run is a finding of its own on each
// lesson, so it shows and the lesson is not done.
func runVet(ctx context.Context, opt Options, base gotest.Request, lessons []*lesson.Lesson, diffs []manifest.Diff, graded []grade.Lesson) (map[string][]grade.VetFinding, error) {
	vetter, ok := opt.Runner.(gotest.Vetter)
	if !opt.Vet || !ok {
		return nil, nil
	}
	req := base
	req.Patterns = nil
	var vetted []*lesson.Lesson
	for i, l := range lessons {
		g := graded[i]
		if diffs[i].Untouched() || !g.Ran() || (g.Build != nil && g.Build.Kind != failure.Vet) {
			continue
		}
		vetted = append(vetted, l)
		req.Patterns = append(req.Patterns, l.Pattern())
	}
	if len(vetted) == 0 {
		return nil, nil
	}
	found, err := vetter.Vet(ctx, req)
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	out := map[string][]grade.VetFinding{}
	for _, l := range vetted {
		if err != nil {
			out[l.ImportPath()] = []grade.VetFinding{{Message: "go vet could not check this lesson: " + err.Error()}}
			continue
		}
		out[l.ImportPath()] = grade.Vet(found[l.ImportPath()], grade.Context(l.Root, l.ID))
	}
	return out, nil
}

// hintExercise is the exercise whose hints help with the lesson's first
// problem: the one whose TODO marks surround the learner's faulty line
// (lessonsrc.ExerciseAt), or, when the failure names no line of the
// learner's, the exercise that names the failing test. 0 when unsure, or
// when nothing fails.
func hintExercise(l *lesson.Lesson, g grade.Lesson) int {
	var where *failure.Frame
	switch {
	case g.Build != nil:
		where = g.Build.Where
	case g.StoppedBeforeTests():
		where = g.Package.Where
	case g.FirstProblem() != nil:
		t := g.FirstProblem()
		if t.Report.Where == nil {
			return t.Exercise
		}
		where = t.Report.Where
	case len(g.Vet) > 0:
		where = &g.Vet[0].Where
	default:
		return 0
	}
	if where == nil || where.File == "" || !strings.HasPrefix(where.File, l.Dir()+"/") || strings.HasSuffix(where.File, "_test.go") {
		return 0
	}
	return lessonsrc.ExerciseAt(l.Abs(where.File), where.Line)
}

// tellVetFromCompiler finds out whether a build that failed was stopped by
// the compiler or by go vet, which go test runs first: both print
// "file:line: message" under the same header. Building the tests again with
// vet off settles it; the run builds only this lesson and runs no test.
func tellVetFromCompiler(ctx context.Context, r gotest.Runner, l *lesson.Lesson, base gotest.Request, build *failure.Report) {
	again := base
	again.Patterns = []string{l.Pattern()}
	again.NoVet = true
	again.Run = "^$"
	run, err := r.Run(ctx, again, nil)
	if err != nil {
		return
	}
	if p := run.Package(l.ImportPath()); p != nil && !p.BuildFailed {
		build.Kind = failure.Vet
	}
}
