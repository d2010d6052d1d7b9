package verify

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/repo"
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
func Try(ctx context.Context, root string, l repo.Lesson, mistakeName string, flags []string, stdout, stderr io.Writer) error {
	les := loadLesson(root, l)
	var m *mistake
	if mistakeName != "" {
		if !slices.Contains(les.MistakeDirs, mistakeName) {
			return fmt.Errorf("no mistake %q in %s; it has: %s", mistakeName,
				filepath.Join(l.SolutionDir(), "testdata", "mistakes"), strings.Join(les.MistakeDirs, ", "))
		}
		found, problems := loadMistake(les, mistakeName)
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
	o, err := solutionOverlay(les, m, tmp)
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
	fmt.Fprintf(stderr, "testing %s with its %s (go test -race -overlay …)\n", l.Dir(), what)
	args := append([]string{"test", "-race", "-overlay", path}, flags...)
	args = append(args, "./"+filepath.ToSlash(l.Dir())+"/")
	goPath, err := gotest.Find()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, goPath, args...)
	cmd.Dir = root
	cmd.Env = gotest.Request{}.Env()
	cmd.Stdout, cmd.Stderr = stdout, stderr
	return cmd.Run()
}
