package class

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/grading"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
)

// Options say how to grade a class.
//
// Every copy gets a temporary folder of its own, outside the copy, for
// the overlay file and as TMPDIR and GOTMPDIR: the go command builds and
// links the test binaries there, and the tests' own temporary files go
// there too; it is removed when the copy is graded.
//
// The build cache (GOCACHE) and the module cache are the instructor's,
// shared by every copy. That is what makes a class affordable: the race
// runtime, the standard library under -race, testify, goleak and x/sync
// are compiled once, not once a copy (a cold -race build of the lessons
// takes about a minute on two cores). It is safe for honest code: the
// build cache is content-addressed, each entry keyed by a hash of
// everything that went into it (sources, flags, the folder of the package,
// since grading does not use -trimpath), so one copy's results can only be
// used for another copy with the same inputs, which gives the same
// results; a copy's lessons and internal/ are in a folder of its own, so
// they are never shared. It is not a defence against a learner's code
// written to harm: that code runs as the instructor and can write into
// the cache, or anywhere else the instructor can; a cache of each copy's
// own would not stop that either. Sandbox (bubblewrap) or a container is
// the answer to that.
type Options struct {
	Go       string // the go command; "" finds it
	Parallel int    // copies graded at once; 0 is the number of CPUs
	// Timeout bounds each test binary, as for a learner (grading.Timeout
	// when 0).
	Timeout time.Duration
	// Race is -race; RaceChecked in each copy's result says whether it ran.
	Race bool
	// TempDir holds the copies' temporary folders ("" is os.TempDir()).
	TempDir string
	// Sandbox, if not nil, runs every test binary inside it.
	Sandbox *Sandbox
	// Shipped is the manifest the instructor's checker ships with: it
	// says which of a copy's test files were changed, and which are from
	// an earlier release.
	Shipped manifest.Manifest
	// Graded, if not nil, is told about each copy when it is graded (from
	// several goroutines, one at a time).
	Graded func(done, total int, c Copy)
}

// Copy is the grade of one learner's copy.
type Copy struct {
	Name string // as Found names it
	Dir  string
	// Problem says why the copy was not graded: its lessons are then
	// empty.
	Problem string
	// Notes say what the grade left out or replaced: a go.mod's replace,
	// a symbolic link out of the copy, a test file the learner added.
	Notes   []string
	Lessons []Lesson // one per instructor lesson, in order
	// RaceChecked is false when -race could not run.
	RaceChecked bool
	Elapsed     time.Duration
}

// Lesson is one lesson of one copy, as the class report shows it.
type Lesson struct {
	Number, Slug string
	// Verdict is what the instructor's tests say of the learner's code:
	// "tests changed" is a flag beside it (the learner's edits were left
	// out), "older version" a verdict only when the lesson is not done
	// (the copy may lack what a newer test asks for). Missing is "not in
	// copy".
	Verdict grade.Status
	// Underlying is what the tests said when Verdict is "older version"
	// or "not started".
	Underlying   grade.Status
	Passed       int
	Total        int
	TestsChanged bool // the copy's test files differ from every release (the instructor's were used)
	Older        bool // the copy's test files are from an earlier release
	// Exercise is the exercise the learner is on: the first with a test
	// that does not pass (1 when not started); 0 when done or unknown.
	Exercise int
	// Test is the first test that does not pass, TestVerdict its verdict,
	// and Problem one sentence on what is wrong ("" when done).
	Test        string
	TestVerdict grade.TestStatus
	Problem     string
}

// Missing is the verdict of a lesson whose folder the copy lacks.
const Missing grade.Status = "not in copy"

// Grade grades every copy found, several at a time, and returns their
// grades in the order found. One copy's failure (a broken go.mod, a go
// command killed by its tests) is that copy's problem, never the run's.
func Grade(ctx context.Context, in *Instructor, found []Found, opt Options) ([]Copy, error) {
	if opt.Go == "" {
		p, err := gotest.Find()
		if err != nil {
			return nil, err
		}
		opt.Go = p
	}
	if opt.Parallel <= 0 {
		opt.Parallel = runtime.NumCPU()
	}
	out := make([]Copy, len(found))
	var (
		mu   sync.Mutex
		done int
	)
	var g errgroup.Group
	g.SetLimit(opt.Parallel)
	for i, f := range found {
		g.Go(func() error {
			c := in.gradeCopy(ctx, f, opt)
			mu.Lock()
			defer mu.Unlock()
			out[i] = c
			done++
			if opt.Graded != nil {
				opt.Graded(done, len(found), c)
			}
			return nil
		})
	}
	_ = g.Wait() // no copy returns an error
	return out, ctx.Err()
}

// Env is the environment a copy is graded in, on top of the instructor's:
// no workspace, no toolchain switch (the go command the instructor runs
// grades every copy), no vendor folder (-mod=mod; a go.mod the overlay
// stands in for is never written), the copy's own temporary folder, and
// no folder for the slides' pictures (tests would write them there).
func Env(tmp string) []string {
	return []string{
		"GOWORK=off",
		"GOTOOLCHAIN=local",
		"GOFLAGS=-mod=mod",
		"TMPDIR=" + tmp,
		"GOTMPDIR=" + tmp,
		"WAITING_TIMELINES=",
		"GOCOVERDIR=",
	}
}

func (in *Instructor) gradeCopy(ctx context.Context, f Found, opt Options) (c Copy) {
	start := time.Now()
	c = Copy{Name: f.Name, Dir: f.Dir, Problem: f.Problem}
	defer func() { c.Elapsed = time.Since(start) }()
	if c.Problem != "" {
		return c
	}
	ins := in.inspect(f.Dir)
	c.Problem, c.Notes = ins.problem, ins.notes
	if c.Problem != "" {
		return c
	}
	tmp, err := os.MkdirTemp(opt.TempDir, "class-")
	if err != nil {
		c.Problem = "no temporary folder: " + err.Error()
		return c
	}
	defer os.RemoveAll(tmp)
	if err := ins.overlay.ValidateAdding(); err != nil {
		c.Problem = "cannot build the overlay: " + err.Error()
		return c
	}
	ovPath, err := ins.overlay.Write(tmp, "overlay.json")
	if err != nil {
		c.Problem = "cannot write the overlay: " + err.Error()
		return c
	}
	var exec []string
	if opt.Sandbox != nil {
		if exec, err = opt.Sandbox.Command(f.Dir, tmp); err != nil {
			c.Problem = err.Error()
			return c
		}
	}
	current, err := manifest.Compute(f.Dir)
	if err != nil {
		c.Problem = "cannot read the lessons: " + err.Error()
		return c
	}
	// The instructor's lesson model (tests, exercises, titles), at the
	// copy's folder, for the lessons the copy has.
	var lessons []*lesson.Lesson
	for _, l := range in.Lessons {
		if ins.present[l.Name()] {
			at := *l
			at.Root = f.Dir
			lessons = append(lessons, &at)
		}
	}
	res, err := grading.Run(ctx, lessons, grading.Options{
		Runner:        gotest.Go{Path: opt.Go, Dir: f.Dir},
		Race:          opt.Race,
		Overlay:       ovPath,
		Timeout:       opt.Timeout,
		Shipped:       opt.Shipped,
		Current:       current,
		SkipUntouched: true,
		Vet:           true,
		Env:           Env(tmp),
		Exec:          exec,
	})
	if err != nil {
		c.Problem = "grading stopped: " + oneLine(err.Error())
		return c
	}
	c.RaceChecked = res.RaceChecked
	graded := map[string]grade.Lesson{}
	for _, r := range res.Lessons {
		graded[r.Lesson.Name()] = r
	}
	for _, l := range in.Lessons {
		r, ok := graded[l.Name()]
		if !ok {
			c.Lessons = append(c.Lessons, Lesson{Number: l.Number, Slug: l.Slug, Verdict: Missing})
			continue
		}
		c.Lessons = append(c.Lessons, summarize(r))
		for _, x := range r.Diff.Extra {
			c.Notes = append(c.Notes, fmt.Sprintf("%s was added by the learner: left out", x))
		}
		for _, x := range r.Diff.Changed {
			c.Notes = append(c.Notes, fmt.Sprintf("%s was changed by the learner: graded with the instructor's", x))
		}
		for _, x := range r.Diff.Missing {
			if len(r.Diff.Older) == 0 {
				c.Notes = append(c.Notes, fmt.Sprintf("%s was deleted by the learner: graded with the instructor's", x))
			}
		}
	}
	return c
}

// summarize turns a learner-style grade into the class report's view.
func summarize(r grade.Lesson) Lesson {
	out := Lesson{
		Number:       r.Lesson.Number,
		Slug:         r.Lesson.Slug,
		Verdict:      r.Status,
		Passed:       r.Passed,
		Total:        r.Total,
		TestsChanged: r.Diff.TestsChanged(),
		Older:        r.Diff.Outdated(),
	}
	tests := r.Status
	if r.Underlying != "" {
		tests = r.Underlying
	}
	switch r.Status {
	case grade.TestsChanged:
		// The instructor's tests ran: their verdict is the learner's.
		out.Verdict = tests
		if tests != grade.Done && tests != grade.NoCompile && r.Diff.StarterUntouched {
			out.Verdict, out.Underlying = grade.NotStarted, tests
		}
	case grade.OlderVersion:
		if tests == grade.Done {
			out.Verdict = grade.Done
		} else {
			out.Underlying = tests
		}
	case grade.NotStarted:
		out.Underlying = tests
	}
	if out.Verdict == grade.Done {
		return out
	}
	// With its tests changed, the learner-facing sentence asks to restore
	// them; the instructor's tests ran, so say what they found instead.
	said := r
	if r.Status == grade.TestsChanged {
		said.Status = tests
	}
	out.Problem = oneLine(said.Problem())
	if out.Verdict == grade.NotStarted && !r.Ran() {
		out.Exercise = 1
		out.Problem = "not started"
		return out
	}
	if t := r.FirstProblem(); t != nil {
		out.Exercise, out.Test, out.TestVerdict = t.Exercise, t.Name, t.Status
	}
	if out.Exercise == 0 {
		out.Exercise = r.Hint
	}
	return out
}
