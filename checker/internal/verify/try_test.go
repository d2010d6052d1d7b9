package verify

import (
	"bytes"
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
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
		{"no-such-mistake", `no mistake "no-such-mistake" in solutions/01-echo/testdata/mistakes; it has: empty-echo, leaky-echo, panicking-echo`, ""},
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
