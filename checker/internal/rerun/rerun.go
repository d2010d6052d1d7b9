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
// passed, did not build, or failed in an orderly way (every failure
// reported by its own test).
func Needed(pkg *testjson.Package, declared []string) []string {
	if pkg == nil || pkg.BuildFailed || pkg.Status == testjson.Pass || pkg.Status == testjson.Skip {
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
	Pattern string // the package's directory pattern, "./lessons/01-blocking-chain/"
	Test    string
}

// Pattern is the -run expression that selects exactly one top-level test
// (its subtests still run).
func Pattern(test string) string { return "^" + regexp.QuoteMeta(test) + "$" }

// Run runs every job with base's flags (-race, -timeout) at most parallel
// at a time and returns each job's package result. A job whose run failed
// to start is missing from the result; done, if not nil, is called after
// each job.
func Run(ctx context.Context, r gotest.Runner, base gotest.Request, jobs []Job, parallel int, done func(Job)) map[Job]*testjson.Package {
	var mu sync.Mutex
	out := map[Job]*testjson.Package{}
	var g errgroup.Group
	g.SetLimit(max(parallel, 1))
	for _, j := range jobs {
		g.Go(func() error {
			req := base
			req.Patterns = []string{j.Pattern}
			req.Run = Pattern(j.Test)
			run, err := r.Run(ctx, req, nil)
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
