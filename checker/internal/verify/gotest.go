package verify

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// runner runs `go test -json` with args in dir and parses what it prints.
// An error means the command could not run at all; failing tests are not
// errors. Tests swap in a fake.
type runner func(ctx context.Context, dir string, args []string) (*testjson.Run, error)

// execGoTest is the real runner.
func execGoTest(ctx context.Context, dir string, args []string) (*testjson.Run, error) {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test", "-json"}, args...)...)
	cmd.Dir = dir
	cmd.Env = goTestEnv(os.Environ())
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("cannot run go test: %w", err)
	}
	p := testjson.NewParser()
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		p.Line(sc.Bytes())
	}
	waitErr := cmd.Wait()
	run := p.Run()
	for _, line := range strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n") {
		if line != "" {
			run.Stray = append(run.Stray, line+"\n")
		}
	}
	if ctx.Err() != nil {
		return run, ctx.Err()
	}
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) {
		return run, fmt.Errorf("go test: %w", waitErr)
	}
	return run, nil
}

// goTestEnv adds GORACE=atexit_sleep_ms=0: the race runtime otherwise
// sleeps a second as each passing test binary exits, which doubles the
// time of a warm run.
func goTestEnv(env []string) []string {
	const sleep = "atexit_sleep_ms=0"
	out := make([]string, 0, len(env)+1)
	gorace := sleep
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "GORACE="); ok {
			if strings.TrimSpace(v) != "" {
				gorace = v + " " + sleep
			}
			continue
		}
		out = append(out, kv)
	}
	return append(out, "GORACE="+gorace)
}

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
	// The parser keeps the last run's status; an earlier run that passed
	// shows only as its "--- PASS" line.
	passedOnce := false
	for _, l := range t.Output {
		passedOnce = passedOnce || strings.HasPrefix(l, "--- PASS: "+name+" ")
	}
	switch t.Status {
	case testjson.Pass:
		return passed
	case testjson.Skip:
		return skipped
	case testjson.Fail:
		if passedOnce {
			return flaky
		}
		return failed
	}
	if passedOnce {
		return flaky
	}
	return crashed
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
// With restrict, the first run also names only the wanted tests (with
// -run), which saves running the rest.
func settle(ctx context.Context, run runner, dir string, flags []string, want map[string][]string, restrict bool) (map[string]*outcome, error) {
	out := map[string]*outcome{}
	pending := map[string][]string{}
	for pkg, tests := range want {
		out[pkg] = &outcome{Verdicts: map[string]verdict{}}
		pending[pkg] = tests
	}
	first := true
	for len(pending) > 0 {
		args := append([]string{}, flags...)
		if !first || restrict {
			args = append(args, "-run", runPattern(pending))
		}
		args = append(args, sortedKeys(pending)...)
		r, err := run(ctx, dir, args)
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
	for i, line := range all {
		if strings.HasPrefix(line, "panic: test timed out after") {
			return all[i:]
		}
	}
	return nil
}
