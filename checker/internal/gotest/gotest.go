// Package gotest runs `go test -json` and hands back its parsed results,
// event by event while it runs (so the caller can show progress) and as a
// whole at the end. Grading and verify both run go test through it, with
// the same environment.
package gotest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Request describes one `go test -json` invocation.
type Request struct {
	Patterns []string      // "./lessons/..." or "./lessons/01-blocking-chain/"
	Race     bool          // -race
	Timeout  time.Duration // -timeout; a test binary that runs longer is killed with a stack dump
	Run      string        // -run, empty for all tests
	// NoCgo sets CGO_ENABLED=0, for a machine where cgo is switched on
	// but no C compiler works: without it nothing would build.
	NoCgo bool
	// Count is -count=N when above 0. Any -count turns test caching off,
	// so grading leaves it at 0: a lesson nobody touched since the last
	// run is not run again. Verify asks for fresh runs.
	Count int
	// Overlay is the -overlay file, which maps lesson files to the files
	// that stand in for them, so a solution or a mistake runs against the
	// lesson's tests without anything being written into lessons/.
	Overlay string
	// NoVet is -vet=off. After a failed build, a run without vet tells a
	// compile error from a problem that only go vet reports.
	NoVet bool
	// Tags are build tags (-tags): a draft lesson builds only with its own.
	Tags []string
	// ExtraEnv holds extra KEY=VALUE settings for the tests, such as the
	// folder where tests keep the pictures the slides show.
	ExtraEnv []string
	// Exec, when set, runs each test binary through this command and its
	// arguments (go test -exec): class grading's sandbox.
	Exec []string
	// StartLimit, when above 0, bounds the time from a test binary's start
	// to its first test; a binary that takes longer is stopped with a
	// goroutine dump (see Stopped). -timeout does not cover that time.
	StartLimit time.Duration
}

// Args are the go command's arguments for r.
func (r Request) Args() []string {
	args := []string{"test", "-json"}
	if r.Race {
		args = append(args, "-race")
	}
	if r.Count > 0 {
		args = append(args, "-count="+strconv.Itoa(r.Count))
	}
	if r.Timeout > 0 {
		args = append(args, "-timeout", r.Timeout.String())
	}
	if r.Overlay != "" {
		args = append(args, "-overlay", r.Overlay)
	}
	if r.NoVet {
		args = append(args, "-vet=off")
	}
	if len(r.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(r.Tags, ","))
	}
	if len(r.Exec) > 0 {
		args = append(args, "-exec", ExecFlag(r.Exec))
	}
	if r.Run != "" {
		args = append(args, "-run", r.Run)
	}
	return append(args, r.Patterns...)
}

// ExecFlag is the value of go test's -exec flag for a command and its
// arguments. The go command splits it at spaces and takes a field in
// single or double quotes whole, without escapes, so a field with a space
// is quoted with a quote it does not hold; the caller makes sure no field
// holds both (see CanExec).
func ExecFlag(argv []string) string {
	fields := make([]string, len(argv))
	for i, a := range argv {
		switch {
		case !strings.ContainsAny(a, " \t\n'\""):
			fields[i] = a
		case !strings.Contains(a, "'"):
			fields[i] = "'" + a + "'"
		default:
			fields[i] = `"` + a + `"`
		}
	}
	return strings.Join(fields, " ")
}

// CanExec reports whether ExecFlag can pass arg through go test -exec.
func CanExec(arg string) bool {
	return !(strings.Contains(arg, "'") && strings.Contains(arg, `"`))
}

// Runner runs go test. The real one is Go; tests use fakes.
type Runner interface {
	// Run runs the request and returns what go test reported. onEvent, if
	// not nil, sees every event as it arrives.
	Run(ctx context.Context, req Request, onEvent func(testjson.Event)) (*testjson.Run, error)
}

// ErrNoRace means the race detector is not available: it needs cgo and a
// C compiler, and a supported platform.
var ErrNoRace = errors.New("the race detector is not available")

// Go runs the go command found on the machine.
type Go struct {
	Path string // the go binary; empty means the "go" on PATH
	Dir  string // the module root, where go test runs
	// Lenient hands back every run the go command finished, whatever its
	// exit status and whatever it printed, for a caller that reads the
	// packages and the stray messages itself; Run then fails only when go
	// test could not be started or did not end. Without it, Run judges the
	// run with Check.
	Lenient bool
	// Tee, if not nil, gets a copy of every line of go test's standard
	// output as it arrives, and the lines Run adds to it: the stream as
	// Run read it, to record.
	Tee io.Writer
}

// Find locates the go command: on PATH, else in GOROOT/bin.
func Find() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go")
		if runtime.GOOS == "windows" {
			p += ".exe"
		}
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("the go command is not on your PATH: install Go (https://go.dev/dl/) and make sure `go version` works in this terminal")
}

// env is base made fit for go test: GORACE=atexit_sleep_ms=0 stops the
// race runtime from sleeping a second at the exit of every test binary,
// which halves the time of a warm run. Options already in GORACE are kept.
func env(base []string) []string {
	const sleep = "atexit_sleep_ms=0"
	out := make([]string, 0, len(base)+1)
	gorace := sleep
	for _, kv := range base {
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

// Env is the environment for a request.
func (r Request) Env() []string {
	e := env(os.Environ())
	if r.NoCgo {
		e = append(e, "CGO_ENABLED=0")
	}
	return append(e, r.ExtraEnv...)
}

// RaceAvailable reports whether -race can work here, from the go
// command's own view of cgo. The run itself may still find out otherwise
// (ErrNoRace).
func (g Go) RaceAvailable(ctx context.Context) bool {
	cmd := exec.CommandContext(ctx, g.path(), "env", "CGO_ENABLED")
	cmd.Dir = g.Dir
	cmd.Env = env(os.Environ())
	out, err := cmd.Output()
	return err == nil && strings.TrimSpace(string(out)) == "1"
}

func (g Go) path() string {
	if g.Path == "" {
		return "go"
	}
	return g.Path
}

// waitDelay bounds the wait for go test's output to close once it has
// been stopped: a test binary it started may still hold the pipes.
const waitDelay = 5 * time.Second

// Run implements Runner.
func (g Go) Run(ctx context.Context, req Request, onEvent func(testjson.Event)) (*testjson.Run, error) {
	cmd := exec.CommandContext(ctx, g.path(), req.Args()...)
	cmd.Dir = g.Dir
	cmd.Env = req.Env()
	cmd.WaitDelay = waitDelay
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting go test: %w", err)
	}
	p := testjson.NewParser()
	p.OnEvent = onEvent
	var watch *stallWatch
	if req.StartLimit > 0 {
		watch = newStallWatch(req.StartLimit, cmd.Process.Pid)
		p.OnEvent = func(e testjson.Event) {
			watch.event(e)
			if onEvent != nil {
				onEvent(e)
			}
		}
	}
	var in io.Reader = stdout
	if g.Tee != nil {
		in = io.TeeReader(stdout, g.Tee)
	}
	// Consume drains what it cannot read, so the go command never blocks
	// writing to the pipe.
	readErr := p.Consume(in)
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	if watch != nil {
		for _, pkg := range watch.close() {
			line := watch.stoppedLine(pkg)
			p.Line(line)
			if g.Tee != nil {
				fmt.Fprintf(g.Tee, "%s\n", line)
			}
		}
	}
	if readErr != nil {
		return p.Run(), fmt.Errorf("go test: %w", readErr)
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		p.Line([]byte(line))
	}
	if g.Lenient {
		return p.Run(), lenient(waitErr)
	}
	return Check(p.Run(), waitErr)
}

// lenient is the error of a lenient run. go test exits with a status when
// tests fail or packages do not build, and the caller reads that from the
// run itself; any other end (a broken pipe, a failed wait) means the run
// is not whole.
func lenient(waitErr error) error {
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) {
		return fmt.Errorf("go test: %w", waitErr)
	}
	return nil
}

// Check decides whether a finished run is usable. go test exits with 1
// when tests fail, which is fine; it is not fine when the go command
// itself could not work (no package reported, a message on stderr).
func Check(run *testjson.Run, waitErr error) (*testjson.Run, error) {
	stray := strings.Join(run.Stray, "")
	if strings.Contains(stray, "-race requires cgo") || strings.Contains(stray, "-race is not supported") {
		return run, fmt.Errorf("%w: %s", ErrNoRace, strings.TrimSpace(stray))
	}
	// With CGO_ENABLED=1 forced but no C compiler, every package fails to
	// build runtime/cgo: that is the machine, not the lessons.
	for _, p := range run.Packages {
		out := strings.Join(p.BuildOutput, "")
		if p.BuildFailed && strings.Contains(out, "C compiler") && strings.Contains(out, "not found") {
			return run, fmt.Errorf("%w: %s", ErrNoRace, strings.TrimSpace(out))
		}
	}
	if len(run.Packages) == 0 && waitErr != nil {
		msg := strings.TrimSpace(stray)
		if msg == "" {
			msg = waitErr.Error()
		}
		return run, fmt.Errorf("go test could not run:\n%s", msg)
	}
	return run, nil
}
