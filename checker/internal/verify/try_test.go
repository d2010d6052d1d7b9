package verify

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestTryRunsTheLessonAgainstItsSolutionOrAMistake(t *testing.T) {
	root := fixtureRoot(t)
	echo := lesson.Load(root, lesson.ID{Number: "01", Slug: "echo"})
	tests := []struct {
		mistake string
		wantErr string // "exit" for go test's own failure
		wantOut string
	}{
		{"", "", "ok  \tgithub.com/wherewaiting/workshop/lessons/01-echo"},
		{"empty-echo", "exit", "--- FAIL: TestEchoReturnsItsInput"},
		{"no-such-mistake", `no mistake "no-such-mistake" in solutions/01-echo/testdata/mistakes; it has: cancel-dropped, empty-echo, leaky-echo, panicking-echo`, ""},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		err := Try(context.Background(), echo, tc.mistake, []string{"-count=1", "-v"}, &stdout, &stderr)
		var exit *exec.ExitError
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("mistake %q: got error %v, want none\n%s%s", tc.mistake, err, &stdout, &stderr)
		case tc.wantErr == "exit" && !errors.As(err, &exit):
			t.Errorf("mistake %q: got error %v, want go test's exit status", tc.mistake, err)
		case tc.wantErr != "" && tc.wantErr != "exit" && (err == nil || err.Error() != tc.wantErr):
			t.Errorf("mistake %q: got error %v, want %q", tc.mistake, err, tc.wantErr)
		}
		if !strings.Contains(stdout.String(), tc.wantOut) {
			t.Errorf("mistake %q: got output\n%s\nwant it to contain %q", tc.mistake, &stdout, tc.wantOut)
		}
	}
}

func TestTryWorksOnADraft(t *testing.T) {
	root := testkit.Copy(t, fixtureRoot(t))
	const tag = "//go:build draft\n\n"
	testkit.Write(t, root, map[string]string{
		"lessons/02-draft/draft.go":      tag + "// Package draft is half built.\npackage draft\n\n// Half is not done.\nfunc Half() int { return 0 }\n",
		"lessons/02-draft/draft_test.go": tag + "package draft\n\nimport \"testing\"\n\nfunc TestHalf(t *testing.T) {\n\tif Half() != 1 {\n\t\tt.Fatal(\"not done\")\n\t}\n}\n",
		"solutions/02-draft/draft.go":    tag + "// Package draft is half built.\npackage draft\n\n// Half is done.\nfunc Half() int { return 1 }\n",
	})
	ids, err := lesson.List(root)
	if err != nil || len(ids) != 2 || !ids[1].Draft {
		t.Fatalf("List = %v, %v; want 01-echo and the draft 02-draft", ids, err)
	}
	var stdout, stderr bytes.Buffer
	if err := Try(context.Background(), lesson.Load(root, ids[1]), "", []string{"-count=1", "-v"}, &stdout, &stderr); err != nil {
		t.Fatalf("got error %v, want none\n%s%s", err, &stdout, &stderr)
	}
	if !strings.Contains(stdout.String(), "--- PASS: TestHalf") || !strings.Contains(stderr.String(), "a draft: -tags=draft") {
		t.Errorf("got\n%s%s\nwant TestHalf to pass with the draft tag", &stdout, &stderr)
	}
}

func TestCoverageFlagsFindsEverySpelling(t *testing.T) {
	got := coverageFlags([]string{"-count=1", "-cover", "--covermode=atomic", "-coverpkg", "./...", "-coverprofile=x", "-test.coverprofile", "y", "-run", "TestCover", "-v"})
	want := []string{"-cover", "--covermode=atomic", "-coverpkg", "-coverprofile=x", "-test.coverprofile"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// go test -cover instruments the lesson's own files and ignores the
// overlay: the starter would run in place of the solution. Try refuses
// before it runs anything.
func TestTryRefusesCoverage(t *testing.T) {
	root := testkit.Tree(t, map[string]string{
		"lessons/01-echo/echo.go":   "package echo\n",
		"solutions/01-echo/echo.go": "package echo\n",
	})
	l := lesson.Load(root, lesson.ID{Number: "01", Slug: "echo"})
	for _, c := range []struct {
		flags   []string
		goflags string
		want    string
	}{
		{[]string{"-count=1", "-coverprofile=x"}, "", "cannot run with -coverprofile=x: coverage and the overlay do not mix"},
		{[]string{"-cover"}, "-mod=mod", "cannot run with -cover: "},
		{[]string{"-v"}, "-mod=mod -covermode=count", "cannot run with -covermode=count (in GOFLAGS): "},
	} {
		t.Setenv("GOFLAGS", c.goflags)
		var stdout, stderr bytes.Buffer
		err := Try(context.Background(), l, "", c.flags, &stdout, &stderr)
		if !errors.Is(err, ErrCoverage) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("flags %q, GOFLAGS %q: got %v, want ErrCoverage saying %q", c.flags, c.goflags, err, c.want)
		}
		if stdout.Len()+stderr.Len() > 0 {
			t.Errorf("flags %q: got output %q%q, want nothing run", c.flags, &stdout, &stderr)
		}
	}
}

func TestVerifyRefusesCoverageInGOFLAGS(t *testing.T) {
	t.Setenv("GOFLAGS", "-cover")
	out, passed, failed := runOn(t.TempDir(), nil)
	testkit.Contains(t, out, "FAIL GOFLAGS asks for no coverage\n    cannot run with -cover (in GOFLAGS): coverage and the overlay do not mix")
	if passed != 0 || failed != 1 {
		t.Errorf("got %d passed, %d failed; want the one failure and nothing run", passed, failed)
	}
}
