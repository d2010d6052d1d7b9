// Package rerun gives every test its own verdict when a test binary died.
//
// A panic, a synctest deadlock, a timeout or os.Exit kills the whole test
// binary: the tests after it never start, and a goleak.VerifyTestMain
// report cannot say which test leaked. So the tests that the first run
// left without an explained verdict are run again, each alone
// (-run '^TestName$'), several processes at a time.
package rerun

import (
	"context"
	"os"
	"regexp"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Needed returns the top-level tests of pkg to run again alone, in the
// order of declared (the tests found in the source; the ones the run
// reported are added if missing). It returns nothing for a package that
// passed, did not build, failed in an orderly way (every failure reported
// by its own test), or failed before any test started: its initialisation
// never returned, or crashed, and would do the same for every test alone.
func Needed(pkg *testjson.Package, declared []string) []string {
	if pkg == nil || pkg.BuildFailed || pkg.Status == testjson.Pass || pkg.Status == testjson.Skip || len(pkg.Tests) == 0 {
		return nil
	}
	all := append([]string{}, declared...)
	known := map[string]bool{}
	for _, n := range declared {
		known[n] = true
	}
	for _, t := range pkg.TopLevel() {
		if !known[t.Name] {
			known[t.Name] = true
			all = append(all, t.Name)
		}
	}

	crashed, anyFailed := false, false
	var unexplained []string
	for _, name := range all {
		t := pkg.Test(name)
		if t == nil {
			// It never started: something before it killed the binary.
			crashed = true
			unexplained = append(unexplained, name)
			continue
		}
		switch t.Status {
		case testjson.Pass, testjson.Skip:
			continue
		case testjson.Fail:
			anyFailed = true
			if kills(t.Output) {
				crashed = true
			}
		case testjson.NoVerdict:
			anyFailed, crashed = true, true
			if !kills(t.Output) {
				// No panic, no timeout: the binary exited under it. Run it
				// alone to be sure it was this test.
				unexplained = append(unexplained, name)
			}
		}
	}
	switch {
	case !anyFailed && !crashed:
		// Every test passed and the package still failed: a leak found
		// by goleak.VerifyTestMain, or an exit after the tests. Running
		// each test alone tells which one is to blame.
		return all
	case crashed:
		return unexplained
	}
	return nil
}

// kills reports whether a test's output shows the failure that ended the
// binary: its verdict is explained without running it again.
func kills(lines []string) bool {
	switch failure.Analyze(lines, failure.Context{}).Kind {
	case failure.Panic, failure.Exit, failure.Timeout, failure.BubbleBlocked, failure.BubbleLeak:
		return true
	}
	return false
}

// Job is one test to run alone.
type Job struct {
	Pattern    string // the package's directory pattern, "./lessons/01-blocking-chain/"
	ImportPath string // the package's import path
	Test       string
}

// builder is a runner that can build a package's test binary once and run
// its tests from it (gotest.Go can): a re-run then costs no build or link.
type builder interface {
	Build(ctx context.Context, req gotest.Request, importPath, out string) (*gotest.Binary, error)
}

// Pattern is the -run expression that selects exactly one top-level test
// (its subtests still run).
func Pattern(test string) string { return "^" + regexp.QuoteMeta(test) + "$" }

// Run runs every job with base's flags (-race, -timeout) at most parallel
// at a time and returns each job's package result. When r can build test
// binaries, each package's binary is built once and every job of it runs
// from it; otherwise each job is a go test of its own. A job whose run
// failed to start is missing from the result; done, if not nil, is called
// after each job.
func Run(ctx context.Context, r gotest.Runner, base gotest.Request, jobs []Job, parallel int, done func(Job)) map[Job]*testjson.Package {
	bins, tmp := build(ctx, r, base, jobs)
	if tmp != "" {
		defer os.RemoveAll(tmp)
	}
	var mu sync.Mutex
	out := map[Job]*testjson.Package{}
	var g errgroup.Group
	g.SetLimit(max(parallel, 1))
	for _, j := range jobs {
		g.Go(func() error {
			var run *testjson.Run
			var err error
			if b := bins[j.Pattern]; b != nil {
				run, err = b.Run(ctx, j.Test)
			} else {
				req := base
				req.Patterns = []string{j.Pattern}
				req.Run = Pattern(j.Test)
				run, err = r.Run(ctx, req, nil)
			}
			mu.Lock()
			defer mu.Unlock()
			if err == nil && run != nil {
				for _, p := range run.Packages {
					out[j] = p
				}
			}
			if done != nil {
				done(j)
			}
			return nil // a run that failed to start leaves its job out
		})
	}
	_ = g.Wait() // no job returns an error
	return out
}

// build builds, when r can, the test binary of every package the jobs
// name, into a temporary folder, which it returns. A package whose build
// fails is left out: its jobs run with go test, which says why.
func build(ctx context.Context, r gotest.Runner, base gotest.Request, jobs []Job) (bins map[string]*gotest.Binary, tmp string) {
	b, ok := r.(builder)
	if !ok {
		return nil, ""
	}
	tmp, err := os.MkdirTemp("", "rerun-")
	if err != nil {
		return nil, ""
	}
	bins = map[string]*gotest.Binary{}
	for _, j := range jobs {
		if _, seen := bins[j.Pattern]; seen || j.ImportPath == "" {
			continue
		}
		req := base
		req.Patterns = []string{j.Pattern}
		bins[j.Pattern], _ = b.Build(ctx, req, j.ImportPath, tmp)
	}
	return bins, tmp
}
