package verify

import (
	"context"
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
// could not run.
func Try(ctx context.Context, l *lesson.Lesson, mistakeName string, flags []string, stdout, stderr io.Writer) error {
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
	path, err := o.write(tmp, "overlay.json")
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
