package verify

import (
	"context"
	"regexp"
	"sort"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// verdict is how one top-level test ended, as far as verify cares. With
// -count=N a test runs N times in one binary and its verdict covers all
// the runs.
type verdict int

const (
	notRun  verdict = iota // no event: it never started, or does not exist
	passed                 // it passed
	failed                 // it failed, every time it ran
	skipped                // it called t.Skip
	crashed                // it started and never ended: a panic, a deadlock, a timeout
	flaky                  // it passed in some runs and failed in others
)

func (v verdict) String() string {
	return [...]string{"did not run", "passed", "failed", "skipped", "crashed or hung", "passed in some runs and failed in others"}[v]
}

// notPassing reports whether the test demonstrably did not pass, in any
// run. A test that never ran is not evidence of anything.
func (v verdict) notPassing() bool { return v == failed || v == crashed }

func verdictOf(p *testjson.Package, name string) verdict {
	if p == nil {
		return notRun
	}
	t := p.Test(name)
	if t == nil {
		return notRun
	}
	seen := map[testjson.Status]bool{}
	for _, s := range t.Statuses() {
		seen[s] = true
	}
	switch {
	case seen[testjson.Pass] && (seen[testjson.Fail] || seen[testjson.NoVerdict]):
		return flaky
	case seen[testjson.NoVerdict]:
		return crashed
	case seen[testjson.Fail]:
		return failed
	case seen[testjson.Skip] && !seen[testjson.Pass]:
		return skipped
	}
	return passed
}

// failedRun picks, from a test run -count times, the output of the first
// run that failed, or of the last one when the binary died during it: the
// same failure three times says nothing more.
func failedRun(t *testjson.Test) []string {
	for _, r := range t.Runs {
		if r.Status == testjson.Fail {
			return r.Output
		}
	}
	if n := len(t.Runs); n > 0 {
		return t.Runs[n-1].Output
	}
	return t.Output
}

// outcome is the settled result of one package: verdicts for the tests
// that were wanted, gathered over a first run and any re-runs.
type outcome struct {
	Pkg      *testjson.Package // the first run's result; nil if go test said nothing about it
	Verdicts map[string]verdict
	Stray    []string // the go command's own messages
}

// buildFailed reports whether the package's tests did not compile or vet.
func (o *outcome) buildFailed() bool { return o.Pkg != nil && o.Pkg.BuildFailed }

// settle runs the wanted tests of the packages in one `go test`, then
// re-runs the tests that never started. When a test crashes the binary
// (a panic, a bubble deadlock, a timeout), the package's later tests do not
// run; they are not "caught" or "failing", they are unknown. Each re-run
// names only the unknown tests, so it makes progress: a round in which a
// package gains no verdict ends the re-runs for that package.
//
// base carries the flags of every run; settle fills in the packages and
// the -run pattern. With restrict, the first run also names only the
// wanted tests (with -run), which saves running the rest.
func settle(ctx context.Context, run gotest.Runner, base gotest.Request, want map[string][]string, restrict bool) (map[string]*outcome, error) {
	out := map[string]*outcome{}
	pending := map[string][]string{}
	for pkg, tests := range want {
		out[pkg] = &outcome{Verdicts: map[string]verdict{}}
		pending[pkg] = tests
	}
	first := true
	for len(pending) > 0 {
		req := base
		if !first || restrict {
			req.Run = runPattern(pending)
		}
		req.Patterns = sortedKeys(pending)
		r, err := run.Run(ctx, req, nil)
		if err != nil {
			return out, err
		}
		next := map[string][]string{}
		for pkg, tests := range pending {
			o := out[pkg]
			p := r.Package(pkg)
			if first {
				o.Pkg, o.Stray = p, r.Stray
			}
			if p == nil || p.BuildFailed {
				continue
			}
			var left []string
			gained := false
			for _, t := range tests {
				v := verdictOf(p, t)
				if v == notRun {
					left = append(left, t)
					continue
				}
				gained = true
				o.Verdicts[t] = v
			}
			if gained && len(left) > 0 {
				next[pkg] = left
			}
		}
		pending, first = next, false
	}
	return out, nil
}

// runPattern is a -run pattern that matches exactly the named top-level
// tests of all the packages.
func runPattern(tests map[string][]string) string {
	set := map[string]bool{}
	for _, ts := range tests {
		for _, t := range ts {
			set[regexp.QuoteMeta(t)] = true
		}
	}
	names := sortedKeys(set)
	return "^(" + strings.Join(names, "|") + ")$"
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// timedOut reports whether the package's binary was stopped by -timeout.
func timedOut(p *testjson.Package) bool { return timeoutReport(p) != nil }

// timeoutReport is the package's output from the "panic: test timed out"
// line on: the tests that were running, then the goroutines' stacks.
func timeoutReport(p *testjson.Package) []string {
	if p == nil {
		return nil
	}
	all := p.AllOutput()
	if i := failure.TimeoutAt(all); i >= 0 {
		return all[i:]
	}
	return nil
}
