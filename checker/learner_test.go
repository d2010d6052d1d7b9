package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestHintAndWatchUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"hint", "01", "1", "1", "1"}, "hint takes a lesson, an exercise and a level at most"},
		{[]string{"hint", "01", "x"}, `the exercise must be a number from 1, got "x"`},
		{[]string{"hint", "01", "1", "0"}, `the level must be a number from 1, got "0"`},
		{[]string{"hint", "-json"}, "flag provided but not defined: -json"},
		{[]string{"watch", "01"}, "watch follows the lesson you work on and takes no lesson"},
		{[]string{"watch", "-json"}, "flag provided but not defined: -json"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != exitUsage {
			t.Errorf("run(%q) = %d, want %d", tc.args, code, exitUsage)
		}
		testkit.Contains(t, stderr.String(), tc.err)
	}
}

// cacheIn points the user's cache folder, where hint keeps what was seen,
// at a new temporary folder.
func cacheIn(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", dir) // Linux and the BSDs
	t.Setenv("HOME", dir)           // macOS: ~/Library/Caches
	t.Setenv("LocalAppData", dir)   // Windows
	return dir
}

func TestHintShowsTheExerciseTheLearnerIsOn(t *testing.T) {
	root := fixtureWorkshop(t)
	cache := cacheIn(t)
	ctx := context.Background()
	hint := func(args ...string) (string, int) {
		var stdout, stderr bytes.Buffer
		code := run(ctx, append([]string{"hint"}, args...), &stdout, &stderr)
		return stdout.String() + stderr.String(), code
	}

	out, code := hint()
	if code != exitOK {
		t.Fatalf("hint: exit %d\n%s", code, out)
	}
	testkit.Contains(t, out, "01 · Echo · exercise 1 · hint 1 of 1\nYou are on exercise 1: TestEchoReturnsItsInput fails.\n\nReturn s.\n",
		// The checker runs in lessons/: what it names works there.
		"A finished version of the lesson is in ../solutions/01-echo/.\n")
	if strings.Contains(out, "go run ./checker") {
		t.Errorf("hint, run in lessons/, names go run ./checker, which does not work there:\n%s", out)
	}

	// Exercise 1 done: the learner is on exercise 2.
	testkit.Write(t, root, map[string]string{"lessons/01-echo/echo.go": "package echo\n\nfunc Echo(s string) string { return s }\n\nfunc Twice(s string) string { return Echo(s) }\n"})
	out, _ = hint()
	testkit.Contains(t, out, "01 · Echo · exercise 2 · hint 1 of 1\nYou are on exercise 2: TestTwiceRepeatsItsInput fails.\n\nCall Echo twice.\n")
	out, _ = hint("01", "2")
	testkit.Contains(t, out, "You have seen the one hint of exercise 2; this was it again.")
	out, _ = hint("echo", "1", "1")
	testkit.Contains(t, out, "exercise 1 · hint 1 of 1\n\nReturn s.\n")

	// Both exercises done: no hint is shown unasked, and the learner is
	// told how to read one anyway.
	testkit.Write(t, root, map[string]string{"lessons/01-echo/echo.go": "package echo\n\nfunc Echo(s string) string { return s }\n\nfunc Twice(s string) string { return Echo(s) + Echo(s) }\n"})
	out, code = hint("01")
	if code != exitOK {
		t.Errorf("hint 01 on a lesson that is done: exit %d, want 0\n%s", code, out)
	}
	testkit.Contains(t, out, "01 · Echo is done: every test passes, nothing leaks, no race; no hint needed.\n"+
		"To read one anyway: go tool checker hint 01 EXERCISE (exercises 1 to 2)\n")
	if strings.Contains(out, "hint 1 of 1") {
		t.Errorf("hint 01 on a lesson that is done showed a hint:\n%s", out)
	}

	for args, want := range map[string]string{
		"01 3":   "checker: lesson 01 has exercises 1 to 2; there is no exercise 3\n",
		"01 1 2": "checker: exercise 1 of lesson 01 has only hint 1; there is no hint 2\n",
		"07":     "checker: lesson 07-worker-pool is not written yet: it is coming soon\n",
		"99":     `checker: unknown lesson "99"`,
	} {
		out, code := hint(strings.Fields(args)...)
		if code == exitOK {
			t.Errorf("hint %s: exit 0, want an error", args)
		}
		testkit.Contains(t, out, want)
	}

	// What was seen is kept in the cache folder, never in the workshop.
	files, _ := filepath.Glob(filepath.Join(cache, "*", "where-waiting-lives", "hints-*.json"))
	more, _ := filepath.Glob(filepath.Join(cache, "where-waiting-lives", "hints-*.json"))
	if len(files)+len(more) != 1 {
		t.Errorf("found %q and %q in the cache folder, want one record of the hints seen", files, more)
	}
}

func TestWatchGradesAtEachSaveUntilTheLessonIsDone(t *testing.T) {
	root := fixtureWorkshop(t)
	lessonFiles := func() map[string]string {
		out := map[string]string{}
		filepath.WalkDir(filepath.Join(root, "lessons"), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				data, _ := os.ReadFile(p)
				out[p] = string(data)
			}
			return nil
		})
		return out
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var stdout, stderr testkit.SyncBuffer
	exit := make(chan int)
	go func() { exit <- run(ctx, []string{"watch"}, &stdout, &stderr) }()
	waitFor := func(what string) {
		t.Helper()
		for !strings.Contains(stdout.String(), what) {
			select {
			case code := <-exit:
				t.Fatalf("watch ended (exit %d) before it wrote %q:\n%s%s", code, what, &stdout, &stderr)
			case <-ctx.Done():
				t.Fatalf("watch did not write %q:\n%s%s", what, &stdout, &stderr)
			case <-time.After(20 * time.Millisecond):
			}
		}
	}
	// The checker runs in lessons/: the command it names works there.
	waitFor("Stuck on exercise 1? go tool checker hint 01 1\n")
	before := lessonFiles()

	// The learner's editor writes a temporary file and renames it.
	solved, err := os.ReadFile(filepath.Join(root, "solutions", "01-echo", "echo.go"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(root, "lessons", "01-echo", ".echo.go.tmp")
	if err := os.WriteFile(tmp, solved, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(root, "lessons", "01-echo", "echo.go")); err != nil {
		t.Fatal(err)
	}
	before[filepath.Join(root, "lessons", "01-echo", "echo.go")] = string(solved)

	if code := <-exit; code != exitOK {
		t.Errorf("watch: exit %d, want 0 once every lesson is done\n%s", code, &stderr)
	}
	testkit.Contains(t, stdout.String(),
		"01 · Echo  failing (0 of 2 tests pass)\n",
		"✓ 01 · Echo is done: every test passes, nothing leaks, no race.\n\n"+
			"Before you move on, the three questions:\n\n"+
			"  Where do requests wait? Who feels the delay? What happens when waiting grows?\n",
		"Every lesson is done (1 of 1). Well done!\n",
	)
	after := lessonFiles()
	if len(after) != len(before) {
		t.Errorf("lessons/ holds %d files after watch, want the %d the learner wrote", len(after), len(before))
	}
	for p, content := range before {
		if after[p] != content {
			t.Errorf("watch changed %s", p)
		}
	}
}
