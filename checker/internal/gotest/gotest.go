// Package gotest runs `go test -json` and hands back its parsed results,
// event by event while it runs (so the caller can show progress) and as a
// whole at the end.
package gotest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
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
}

// Args are the go command's arguments for r. Test caching stays on (no
// -count=1): a lesson nobody touched since the last run is not run again.
func (r Request) Args() []string {
	args := []string{"test", "-json"}
	if r.Race {
		args = append(args, "-race")
	}
	if r.Timeout > 0 {
		args = append(args, "-timeout", r.Timeout.String())
	}
	if r.Run != "" {
		args = append(args, "-run", r.Run)
	}
	return append(args, r.Patterns...)
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
	Path string // the go binary
	Dir  string // the module root, where go test runs
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

// env is the environment for go test. GORACE=atexit_sleep_ms=0 stops the
// race runtime from sleeping a second at the exit of every test binary,
// which halves the time of a warm run.
func env() []string {
	gorace := "atexit_sleep_ms=0"
	if old := os.Getenv("GORACE"); old != "" {
		gorace = old + " " + gorace
	}
	return append(os.Environ(), "GORACE="+gorace)
}

// Env is the environment for a request.
func (r Request) Env() []string {
	e := env()
	if r.NoCgo {
		e = append(e, "CGO_ENABLED=0")
	}
	return e
}

// RaceAvailable reports whether -race can work here, from the go
// command's own view of cgo. The run itself may still find out otherwise
// (ErrNoRace).
func (g Go) RaceAvailable(ctx context.Context) bool {
	cmd := exec.CommandContext(ctx, g.Path, "env", "CGO_ENABLED")
	cmd.Dir = g.Dir
	cmd.Env = env()
	out, err := cmd.Output()
	return err == nil && strings.TrimSpace(string(out)) == "1"
}

// Run implements Runner.
func (g Go) Run(ctx context.Context, req Request, onEvent func(testjson.Event)) (*testjson.Run, error) {
	cmd := exec.CommandContext(ctx, g.Path, req.Args()...)
	cmd.Dir = g.Dir
	cmd.Env = req.Env()
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
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
	for sc.Scan() {
		p.Line(sc.Bytes())
	}
	// Drain what the scanner could not take (a line over its limit), or
	// the go command would block writing it.
	_, _ = io.Copy(io.Discard, stdout)
	waitErr := cmd.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		p.Line([]byte(line))
	}
	return Check(p.Run(), waitErr)
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
