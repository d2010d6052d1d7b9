package gotest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// go test runs only a few of go vet's analyzers (atomic, bool, buildtags,
// directive, errorsas, ifaceassert, nilfunc, printf, stringintconv,
// tests), and a finding of those stops the build. The others, lostcancel
// among them, need go vet itself, which reports without stopping anything.

// VetFindings are the full go vet's diagnostics, by package import path,
// then by analyzer: what `go vet -json` prints.
type VetFindings map[string]map[string][]VetDiagnostic

// VetDiagnostic is one finding of go vet -json.
type VetDiagnostic struct {
	Posn    string `json:"posn"` // "/abs/path/file.go:12:3"
	Message string `json:"message"`
}

// Vetter runs the full go vet. Go is one; a Runner that is not one (a
// test's fake) gets no vet step.
type Vetter interface {
	Vet(ctx context.Context, req Request) (VetFindings, error)
}

// VetArgs are the go command's arguments for the full go vet of req's
// packages, with its overlay, tags and nothing else.
func (r Request) VetArgs() []string {
	args := []string{"vet", "-json"}
	if r.Overlay != "" {
		args = append(args, "-overlay", r.Overlay)
	}
	if len(r.Tags) > 0 {
		args = append(args, "-tags="+strings.Join(r.Tags, ","))
	}
	return append(args, r.Patterns...)
}

// Vet runs `go vet -json` on req's packages and returns what it found.
// go vet exits with 0 when it reports findings in JSON; an error means it
// could not analyse a package (one that does not compile, say).
func (g Go) Vet(ctx context.Context, req Request) (VetFindings, error) {
	cmd := exec.CommandContext(ctx, g.path(), req.VetArgs()...)
	cmd.Dir = g.Dir
	cmd.Env = req.Env()
	cmd.WaitDelay = waitDelay
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("go vet -json: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return ParseVet(&stdout)
}

// ParseVet reads the JSON objects go vet -json prints, one per package.
func ParseVet(r io.Reader) (VetFindings, error) {
	out := VetFindings{}
	dec := json.NewDecoder(r)
	for {
		var one VetFindings
		err := dec.Decode(&one)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, fmt.Errorf("reading go vet -json: %v", err)
		}
		for pkg, byAnalyzer := range one {
			// The test variant of a package reads "path [path.test]".
			pkg, _, _ = strings.Cut(pkg, " ")
			if out[pkg] == nil {
				out[pkg] = map[string][]VetDiagnostic{}
			}
			for a, ds := range byAnalyzer {
				out[pkg][a] = append(out[pkg][a], ds...)
			}
		}
	}
}
