// Package grading is the checker's pipeline from lessons to verdicts, as a
// learner sees them: one `go test -json` over the lessons (so packages
// build in parallel), the tests of a crashed package run again one by one,
// a failed build told apart as the compiler's or go vet's, and each lesson
// graded. `go run ./checker` grades a learner's lessons through it, and
// verify grades every mistake through it, so the verdict a mistake's header
// names is the one a learner would see.
package grading

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/rerun"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Timeouts: a lesson test takes milliseconds of virtual time, so a test
// binary that runs for seconds is stuck. A test run alone gets less.
const (
	RunTimeout  = 10 * time.Second
	SoloTimeout = 5 * time.Second
)

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
	// Timeout and SoloTimeout default to RunTimeout and SoloTimeout.
	Timeout, SoloTimeout time.Duration
	// Shipped and Current are the manifest the checker ships with and the
	// one computed from the files now; they decide "tests changed" and
	// "not started". Left empty, neither verdict is given.
	Shipped, Current manifest.Manifest
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
		opt.Timeout = RunTimeout
	}
	if opt.SoloTimeout == 0 {
		opt.SoloTimeout = SoloTimeout
	}
	base := gotest.Request{Race: opt.Race, Count: opt.Count, Overlay: opt.Overlay}
	req := base
	req.Timeout = opt.Timeout
	for _, l := range lessons {
		req.Patterns = append(req.Patterns, l.Pattern())
	}
	run, err := opt.Runner.Run(ctx, req, opt.OnEvent)
	if errors.Is(err, gotest.ErrNoRace) {
		// cgo is on but no C compiler works, or the platform has no race
		// detector: grade without it rather than not at all.
		res.RaceChecked = false
		base.Race, base.NoCgo = false, true
		req.Race, req.NoCgo = base.Race, base.NoCgo
		run, err = opt.Runner.Run(ctx, req, opt.OnEvent)
	}
	if err != nil {
		return res, err
	}

	var jobs []rerun.Job
	for _, l := range lessons {
		for _, t := range rerun.Needed(run.Package(l.ImportPath()), l.Tests) {
			jobs = append(jobs, rerun.Job{Pattern: l.Pattern(), ImportPath: l.ImportPath(), Test: t})
		}
	}
	var solo map[rerun.Job]*testjson.Package
	if len(jobs) > 0 {
		if opt.Note != nil {
			opt.Note(fmt.Sprintf("a test binary stopped early; running %d tests one at a time", len(jobs)))
		}
		soloReq := base
		soloReq.Timeout = opt.SoloTimeout
		solo = rerun.Run(ctx, opt.Runner, soloReq, jobs, SoloParallel, nil)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}

	for _, l := range lessons {
		in := grade.Input{
			Lesson:  l,
			Package: run.Package(l.ImportPath()),
			Solo:    map[string]*testjson.Package{},
			Diff:    opt.Shipped.Compare(opt.Current, l.Dir()),
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
	return res, nil
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
	again.Timeout = SoloTimeout
	run, err := r.Run(ctx, again, nil)
	if err != nil {
		return
	}
	if p := run.Package(l.ImportPath()); p != nil && !p.BuildFailed {
		build.Kind = failure.Vet
	}
}
