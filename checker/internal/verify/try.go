package verify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
)

// Try runs one lesson's tests against its solution, or against one of its
// mistakes, exactly as verify applies them (an absolute-path overlay, so
// nothing is written into lessons/), with -race and any further go test
// flags, and passes go test's own output through. It is the maintainers'
// way to work on a lesson: `go run ./checker try 03 -count=20`, or
// `go run ./checker try 03 no-limit -v`.
//
// The error is go test's exit status when the tests failed, or why they
// could not run: one that wraps ErrCoverage when flags or GOFLAGS ask for
// coverage.
func Try(ctx context.Context, l *lesson.Lesson, mistakeName string, flags []string, stdout, stderr io.Writer) error {
	if err := noCoverage(flags); err != nil {
		return err
	}
	var m *mistake
	if mistakeName != "" {
		if !slices.Contains(l.Mistakes, mistakeName) {
			return fmt.Errorf("no mistake %q in %s; it has: %s", mistakeName, l.MistakesDir(), strings.Join(l.Mistakes, ", "))
		}
		found, problems := loadMistake(l, mistakeName)
		if len(problems) > 0 {
			return fmt.Errorf("mistake %s of %s: %s", mistakeName, l.Name(), strings.Join(problems, "; "))
		}
		m = found
	}
	tmp, err := os.MkdirTemp("", "try-overlay-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	o, err := solutionOverlay(l, m, tmp)
	if err != nil {
		return err
	}
	path, err := o.Write(tmp, "overlay.json")
	if err != nil {
		return err
	}

	what := "solution"
	if m != nil {
		what = "mistake " + m.relDir()
	}
	args := []string{"test", "-race", "-overlay", path}
	if l.Draft {
		// A draft builds only with its tag; its author works on it here.
		args = append(args, "-tags="+lesson.DraftTag)
		what += " (a draft: -tags=" + lesson.DraftTag + ")"
	}
	args = append(append(args, flags...), l.Pattern())
	fmt.Fprintf(stderr, "testing %s with its %s (go test -race -overlay …)\n", l.Dir(), what)
	goPath, err := gotest.Find()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, goPath, args...)
	cmd.Dir = l.Root
	cmd.Env = gotest.Request{}.Env()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}

// ErrCoverage is why try and verify refuse to measure coverage: go test
// instruments the lesson's own files for it and ignores the overlay that
// stands the solution in for them (go.dev/issue/73802, still so in Go
// 1.27), so the starter would run instead of the solution, silently.
var ErrCoverage = errors.New("coverage and the overlay do not mix: go test -cover instruments the lesson's own files and ignores -overlay (go.dev/issue/73802), so the starter would run instead of the solution; " +
	"leave out -cover, -covermode, -coverpkg and -coverprofile (to measure a solution's coverage, copy the workshop, put the solution's files in the lesson's folder and run go test -cover there)")

// noCoverage returns an error wrapping ErrCoverage when the go test flags,
// or GOFLAGS, ask for coverage.
func noCoverage(flags []string) error {
	found := coverageFlags(flags)
	for _, f := range coverageFlags(strings.Fields(os.Getenv("GOFLAGS"))) {
		found = append(found, f+" (in GOFLAGS)")
	}
	if len(found) == 0 {
		return nil
	}
	return fmt.Errorf("cannot run with %s: %w", strings.Join(found, ", "), ErrCoverage)
}

// coverageFlags returns the flags among args that ask go test for
// coverage: -cover, -covermode, -coverpkg, -coverprofile, with one dash or
// two, and the test binary's -test.cover… spellings.
func coverageFlags(args []string) []string {
	var out []string
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			continue
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(strings.TrimPrefix(name, "test."), "cover") {
			out = append(out, a)
		}
	}
	return out
}
