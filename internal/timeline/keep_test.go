package timeline_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/wherewaiting/workshop/internal/timeline"
)

func TestKeepWritesNothingUnlessAsked(t *testing.T) {
	t.Setenv(timeline.KeepEnv, "")
	dir := t.TempDir()
	t.Chdir(dir)
	timeline.Keep(t, "a-picture", "text\n")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 0 {
		t.Errorf("Keep wrote %d files with %s unset; want none", len(entries), timeline.KeepEnv)
	}
}

func TestKeepWritesTheNamedFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "04-retries", "starter")
	t.Setenv(timeline.KeepEnv, dir)
	timeline.Keep(t, "storm-without-backoff", "client |===|\n")
	got, err := os.ReadFile(filepath.Join(dir, "storm-without-backoff.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "client |===|\n" {
		t.Errorf("got %q, want %q", got, "client |===|\n")
	}
}

func TestKeepRefusesANameThatIsNotKebabCase(t *testing.T) {
	t.Setenv(timeline.KeepEnv, t.TempDir())
	ft := &fakeT{TB: t}
	timeline.Keep(ft, "../escape", "x")
	if !ft.failed {
		t.Error("Keep accepted the name ../escape; want an error")
	}
}

type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
