package verify

import (
	"os"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

var echoLesson = lesson.ID{Number: "01", Slug: "echo"}

// smallLesson writes a lesson with two files and two tests, a solution
// and the given extra files, and loads it.
func smallLesson(t *testing.T, extra map[string]string) *lesson.Lesson {
	t.Helper()
	root := t.TempDir()
	files := map[string]string{
		"lessons/01-echo/echo.go":       "package echo\n\n// TODO(1): echo.\nfunc Echo() {}\n",
		"lessons/01-echo/twice.go":      "package echo\n\n// TODO(2): twice. TODO(3): also.\nfunc Twice() {}\n",
		"lessons/01-echo/echo_test.go":  "package echo\n\nimport \"testing\"\n\nfunc TestEcho(t *testing.T) {}\nfunc TestTwice(t *testing.T) {}\n",
		"solutions/01-echo/echo.go":     "package echo\n",
		"solutions/01-echo/twice.go":    "package echo\n",
		"lessons/01-echo/_scratch.go":   "ignored by the go tool",
		"lessons/01-echo/notes/skip.go": "in a sub-folder: another package",
	}
	for k, v := range extra {
		files[k] = v
	}
	testkit.Write(t, root, files)
	return lesson.Load(root, echoLesson)
}

func TestHygieneProblemsNamesWhatIsMissing(t *testing.T) {
	l := smallLesson(t, nil)
	got := strings.Join(hygieneProblems(l), "\n")
	for _, want := range []string{"no README.md", "no slide deck slides/01-echo.slide"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to mention %q", got, want)
		}
	}
	if strings.Contains(got, "solution") || strings.Contains(got, "test") {
		t.Errorf("got %q, want no complaint about the solution or tests, which exist", got)
	}
}

func TestSolutionFileProblemsReportsMissingAndExtraFiles(t *testing.T) {
	l := smallLesson(t, nil)
	if p := solutionFileProblems(l); len(p) != 0 {
		t.Fatalf("matching files: got %q, want no problem", p)
	}
	l = smallLesson(t, map[string]string{
		"solutions/01-echo/extra.go":     "package echo\n",
		"solutions/01-echo/echo_test.go": "package echo\n",
	})
	if err := os.Remove(l.Abs(l.SolutionDir(), "twice.go")); err != nil {
		t.Fatal(err)
	}
	l = lesson.Load(l.Root, echoLesson)
	got := strings.Join(solutionFileProblems(l), "\n")
	for _, want := range []string{"has no twice.go", "has extra.go, which the lesson does not have", "has a test file echo_test.go"} {
		if !strings.Contains(got, want) {
			t.Errorf("got %q, want it to mention %q", got, want)
		}
	}
}

func TestStrayFoldersFindsWhatNoLessonOwns(t *testing.T) {
	root := t.TempDir()
	testkit.Write(t, root, map[string]string{
		"lessons/01-echo/echo.go":   "package echo\n",
		"lessons/3-fan-out/f.go":    "package fan\n",
		"solutions/01-echo/echo.go": "package echo\n",
		"solutions/02-missing/x.go": "package x\n",
		"lessons/README.md":         "a file, not a folder",
	})
	lessons, err := lesson.LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	got := strayFolders(root, lessons)
	if len(got) != 2 || !strings.HasPrefix(got[0], "lessons/3-fan-out ") || !strings.HasPrefix(got[1], "solutions/02-missing ") {
		t.Errorf("got %q, want lessons/3-fan-out and solutions/02-missing", got)
	}
}
