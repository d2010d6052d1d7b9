package gotest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Binary is one package's test binary, built once so that its tests can
// run one at a time without a build and a link each: what the checker
// does after a test binary crashed.
type Binary struct {
	Path       string  // the executable
	ImportPath string  // the package's import path, for the events
	Dir        string  // the package's folder, where go test would run it
	req        Request // the flags it was built with, and its run flags
	goPath     string
}

// Build builds the test binary of req's one package pattern into the
// folder out, with req's flags (-race, -overlay, -tags, and cgo off with
// NoCgo); go vet is not run, since the package already passed it to get
// this far. The binary runs with req's -timeout and -count.
func (g Go) Build(ctx context.Context, req Request, importPath, out string) (*Binary, error) {
	if len(req.Patterns) != 1 {
		return nil, fmt.Errorf("building a test binary needs one package, got %q", req.Patterns)
	}
	b := &Binary{
		Path:       filepath.Join(out, strings.NewReplacer("/", "_", ".", "_").Replace(importPath)+".test"),
		ImportPath: importPath,
		Dir:        filepath.Join(g.Dir, filepath.FromSlash(req.Patterns[0])),
		req:        req,
		goPath:     g.path(),
	}
	args := []string{"test", "-c", "-o", b.Path, "-vet=off"}
	if req.Race {
		args = append(args, "-race")
	}
	if req.Overlay != "" {
		args = append(args, "-overlay", req.Overlay)
	}
	if len(req.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(req.Tags, ","))
	}
	cmd := exec.CommandContext(ctx, b.goPath, append(args, req.Patterns[0])...)
	cmd.Dir = g.Dir
	cmd.Env = req.Env()
	cmd.WaitDelay = waitDelay
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go test -c %s: %v\n%s", req.Patterns[0], err, out)
	}
	return b, nil
}

// Run runs one top-level test (and its subtests) of the binary, through
// go tool test2json, and returns what it reported, as go test -json -run
// would.
func (b *Binary) Run(ctx context.Context, test string) (*testjson.Run, error) {
	args := append([]string{"tool", "test2json", "-t", "-p", b.ImportPath}, b.req.Exec...)
	args = append(args, b.Path, "-test.v=test2json", "-test.run", "^"+regexp.QuoteMeta(test)+"$")
	if b.req.Timeout > 0 {
		args = append(args, "-test.timeout", b.req.Timeout.String())
	}
	if b.req.Count > 0 {
		args = append(args, "-test.count="+strconv.Itoa(b.req.Count))
	}
	cmd := exec.CommandContext(ctx, b.goPath, args...)
	cmd.Dir = b.Dir
	cmd.Env = b.req.Env()
	cmd.WaitDelay = waitDelay
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	waitErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	var exit *exec.ExitError
	if waitErr != nil && !errors.As(waitErr, &exit) {
		return nil, fmt.Errorf("running %s: %w", b.Path, waitErr)
	}
	p := testjson.NewParser()
	if err := p.Consume(&stdout); err != nil {
		return nil, err
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		p.Line([]byte(line))
	}
	// test2json says how the package ended only when the binary printed
	// PASS or FAIL; a binary that died says nothing, and go test would
	// have reported the package failed.
	if pkg := p.Run().Package(b.ImportPath); pkg == nil || pkg.Status == testjson.NoVerdict {
		action := "pass"
		if waitErr != nil {
			action = "fail"
		}
		p.Event(testjson.Event{Action: action, Package: b.ImportPath})
	}
	return p.Run(), nil
}
