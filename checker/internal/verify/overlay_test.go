package verify

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestSolutionOverlayUsesAbsolutePathsOfSolutionFiles(t *testing.T) {
	l := smallLesson(t, nil)
	o, err := solutionOverlay(l, nil, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	want := overlay{
		filepath.Join(l.Root, "lessons", "01-echo", "echo.go"):  filepath.Join(l.Root, "solutions", "01-echo", "echo.go"),
		filepath.Join(l.Root, "lessons", "01-echo", "twice.go"): filepath.Join(l.Root, "solutions", "01-echo", "twice.go"),
	}
	if len(o) != len(want) {
		t.Fatalf("got %v, want %v", o, want)
	}
	for k, v := range want {
		if o[k] != v {
			t.Errorf("%s: got %q, want %q", k, o[k], v)
		}
		if !filepath.IsAbs(k) || !filepath.IsAbs(o[k]) {
			t.Errorf("got a relative path in %s → %s, want absolute paths", k, o[k])
		}
	}
}

func TestSolutionOverlayPutsTheSplicedMistakeInPlace(t *testing.T) {
	l := smallLesson(t, map[string]string{
		"solutions/01-echo/twice.go":                         "package echo\n\n// Twice is right.\nfunc Twice() string { return \"right\" }\n",
		"solutions/01-echo/testdata/mistakes/wrong/twice.go": "// Mistake: x.\n// Caught by: TestTwice\npackage echo\n\nfunc Twice() string { return \"wrong\" }\n",
	})
	m, problems := loadMistake(l, "wrong")
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	tmp := t.TempDir()
	o, err := solutionOverlay(l, m, tmp)
	if err != nil {
		t.Fatal(err)
	}
	spliced := o[l.Abs("lessons/01-echo/twice.go")]
	if want := filepath.Join(tmp, "solutions", "01-echo", "testdata", "mistakes", "wrong", "twice.go"); spliced != want {
		t.Errorf("twice.go: got %q, want the spliced file %q", spliced, want)
	}
	if src, err := os.ReadFile(spliced); err != nil || !strings.Contains(string(src), `return "wrong"`) || strings.Contains(string(src), `return "right"`) {
		t.Errorf("spliced twice.go = %q, %v; want the mistake's Twice in place of the solution's", src, err)
	}
	if got, want := o[l.Abs("lessons/01-echo/echo.go")], l.Abs("solutions/01-echo/echo.go"); got != want {
		t.Errorf("echo.go: got %q, want the solution's file %q", got, want)
	}
}

func TestSolutionOverlayRefusesMissingFiles(t *testing.T) {
	l := smallLesson(t, nil)
	if err := os.Remove(l.Abs("solutions/01-echo/twice.go")); err != nil {
		t.Fatal(err)
	}
	_, err := solutionOverlay(l, nil, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "twice.go does not exist") {
		t.Errorf("got error %v, want one naming the missing solution file", err)
	}

	l = smallLesson(t, nil)
	m := &mistake{Lesson: l, Name: "odd", Files: []string{"other.go"}}
	_, err = solutionOverlay(l, m, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "other.go has no lesson file") {
		t.Errorf("got error %v, want one naming the mistake file without a lesson file", err)
	}
}

func TestOverlayValidateRefusesRelativePaths(t *testing.T) {
	dir := t.TempDir()
	testkit.Write(t, dir, map[string]string{"a.go": "package a\n"})
	o := overlay{"lessons/01-echo/echo.go": filepath.Join(dir, "a.go")}
	if err := o.Validate(); err == nil || !strings.Contains(err.Error(), "not absolute") {
		t.Errorf("got %v, want an error about a relative path", err)
	}
}

func TestOverlayWriteIsWhatGoTestReads(t *testing.T) {
	o := overlay{"/home/learner/workshop/lessons/01-echo/echo.go": "/home/learner/workshop/solutions/01-echo/echo.go"}
	path, err := o.Write(t.TempDir(), "o.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got struct{ Replace map[string]string }
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Replace) != 1 || got.Replace["/home/learner/workshop/lessons/01-echo/echo.go"] != "/home/learner/workshop/solutions/01-echo/echo.go" {
		t.Errorf("got %s, want {\"Replace\": {lesson file: solution file}}", data)
	}
}

func TestPathMapperNamesTheFileThatWasCompiled(t *testing.T) {
	root := filepath.FromSlash("/home/learner/workshop")
	lessonFile := filepath.Join(root, "lessons", "01-echo", "echo.go")
	mistakeFile := filepath.Join(root, "solutions", "01-echo", "testdata", "mistakes", "wrong", "echo.go")
	pm := newPathMapper(root, overlay{lessonFile: mistakeFile})
	for _, c := range []struct{ in, want string }{
		// A compiler error names the replacement, relative to the root.
		{"./solutions/01-echo/testdata/mistakes/wrong/echo.go:4:23: cannot use x",
			"solutions/01-echo/testdata/mistakes/wrong/echo.go:4:23: cannot use x"},
		// A stack frame names the lesson file, with the mistake's lines.
		{"\t" + lessonFile + ":12 +0x25", "\tsolutions/01-echo/testdata/mistakes/wrong/echo.go:12 +0x25"},
		// Other paths under the root become relative.
		{"\t" + filepath.Join(root, "lessons", "01-echo", "echo_test.go") + ":9", "\tlessons/01-echo/echo_test.go:9"},
		// Text that merely looks like a path is left alone.
		{"    run go run ./checker 01", "    run go run ./checker 01"},
	} {
		if got := pm.line(c.in); got != c.want {
			t.Errorf("line(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}
