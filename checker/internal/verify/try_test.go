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
