package lesson

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

const readme = "# 01 · Echo\n\n## Exercises\n\n1. Echo. Checked by `TestEcho`.\n2. Twice. Checked by `TestTwice` and `TestTwiceAgain`.\n"

func TestLoadReadsFilesTestsInExerciseOrderAndMistakes(t *testing.T) {
	root := testkit.Tree(t, map[string]string{
		"lessons/01-echo/README.md":                            readme,
		"lessons/01-echo/echo.go":                              "package echo\n\n// TODO(1): echo.\nfunc Echo() {}\n",
		"lessons/01-echo/a_test.go":                            "package echo\n\nimport \"testing\"\n\nfunc TestTwice(t *testing.T) {}\nfunc TestUnnamed(t *testing.T) {}\n",
		"lessons/01-echo/b_test.go":                            "package echo\n\nimport \"testing\"\n\nfunc TestEcho(t *testing.T) {}\nfunc TestTwiceAgain(t *testing.T) {}\n",
		"lessons/01-echo/_scratch.go":                          "ignored by the go tool",
		"solutions/01-echo/echo.go":                            "package echo\n",
		"solutions/01-echo/testdata/mistakes/b-second/echo.go": "package echo\n",
		"solutions/01-echo/testdata/mistakes/a-first/echo.go":  "package echo\n",
	})
	l := Load(root, ID{Number: "01", Slug: "echo"})
	for _, c := range []struct {
		what      string
		got, want []string
	}{
		{"starter files", l.StarterFiles, []string{"echo.go"}},
		{"test files", l.TestFiles, []string{"a_test.go", "b_test.go"}},
		{"tests", l.Tests, []string{"TestEcho", "TestTwice", "TestTwiceAgain", "TestUnnamed"}},
		{"solution files", l.SolutionFiles, []string{"echo.go"}},
		{"mistakes", l.Mistakes, []string{"a-first", "b-second"}},
	} {
		if !slices.Equal(c.got, c.want) {
			t.Errorf("%s: got %q, want %q", c.what, c.got, c.want)
		}
	}
	if !l.HasSolution || !l.HasReadme || l.Readme.Title != "Echo" || l.Exercise("TestTwiceAgain") != 2 || len(l.TODOs) != 1 {
		t.Errorf("got %+v, want a solution, a README titled Echo, TestTwiceAgain in exercise 2 and one TODO", l)
	}
	if got, want := l.Abs(l.MistakeDir("a-first")), filepath.Join(root, "solutions", "01-echo", "testdata", "mistakes", "a-first"); got != want {
		t.Errorf("Abs(MistakeDir) = %q, want %q", got, want)
	}
	if l.Pattern() != "./lessons/01-echo/" || l.ImportPath() != ModulePath+"/lessons/01-echo" {
		t.Errorf("pattern %q, import path %q", l.Pattern(), l.ImportPath())
	}
}

func TestLoadNamesATestFileThatDoesNotParse(t *testing.T) {
	root := testkit.Tree(t, map[string]string{
		"lessons/01-echo/broken_test.go": "package echo\n\nimport \"testing\"\n\nfunc TestHalf(t *testing.T) {}\n\nfunc TestCut(",
	})
	l := Load(root, ID{Number: "01", Slug: "echo"})
	if len(l.TestProblems) != 1 || !strings.HasPrefix(l.TestProblems[0], "broken_test.go: ") {
		t.Errorf("got problems %q, want one naming broken_test.go", l.TestProblems)
	}
	if !slices.Equal(l.Tests, []string{"TestHalf"}) {
		t.Errorf("got tests %q, want the one that parsed", l.Tests)
	}
}

func TestListFindsLessonsAndDrafts(t *testing.T) {
	root := testkit.Tree(t, map[string]string{
		"lessons/02-deadlines/d.go":   "package deadlines\n",
		"lessons/01-echo/echo.go":     "// Package echo.\npackage echo\n",
		"lessons/09-delivery/d.go":    "// Package delivery is half built.\n\n//go:build draft\n\npackage delivery\n",
		"lessons/09-delivery/README":  "notes",
		"lessons/3-misnamed/x.go":     "package x\n",
		"lessons/README.md":           "a file",
		"lessons/10-degradation/x.go": "//go:build draft && linux\n\npackage degradation\n",
	})
	ids, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range ids {
		got = append(got, id.Name()+map[bool]string{true: " (draft)", false: ""}[id.Draft])
	}
	want := []string{"01-echo", "02-deadlines", "09-delivery (draft)", "10-degradation (draft)"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if pub := Published(ids); len(pub) != 2 || pub[1].Name() != "02-deadlines" {
		t.Errorf("Published = %v, want 01 and 02", pub)
	}
	if _, err := List(t.TempDir()); err == nil {
		t.Errorf("a folder without lessons/: got no error")
	}
}

func TestParseNameReadsNNSlug(t *testing.T) {
	for name, want := range map[string]string{
		"03-fan-out":         "03 fan-out",
		"05-circuit-breaker": "05 circuit-breaker",
		"3-misnamed":         "",
		"03-Fan-out":         "",
		"03-fan-out.slide":   "",
		"slides/03-fan-out":  "",
	} {
		id, ok := ParseName(name)
		got := ""
		if ok {
			got = id.Number + " " + id.Slug
		}
		if got != want {
			t.Errorf("ParseName(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
}

func TestDraftOnlyReadsTheBuildConstraint(t *testing.T) {
	for _, c := range []struct {
		src  string
		want bool
	}{
		{"//go:build draft\n\npackage x\n", true},
		{"// Copyright.\n\n//go:build draft\n\npackage x\n", true},
		{"//go:build !draft\n\npackage x\n", false},
		{"//go:build linux\n\npackage x\n", false},
		{"//go:build draft || linux\n\npackage x\n", false},
		{"package x\n\n//go:build draft\n", false},
		{"package x\n", false},
	} {
		root := testkit.Tree(t, map[string]string{"x.go": c.src})
		if got := DraftOnly(filepath.Join(root, "x.go")); got != c.want {
			t.Errorf("%q: got %v, want %v", c.src, got, c.want)
		}
	}
}

func TestInExerciseOrderKeepsSourceOrderWithinAnExercise(t *testing.T) {
	got := InExerciseOrder(
		[]string{"TestBudget", "TestHelperOnly", "TestStormA", "TestJitter", "TestStormB"},
		map[string]int{"TestBudget": 4, "TestStormA": 1, "TestJitter": 2, "TestStormB": 1},
	)
	want := []string{"TestStormA", "TestStormB", "TestJitter", "TestBudget", "TestHelperOnly"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRootFindsTheWorkshopAbove(t *testing.T) {
	root := testkit.Tree(t, map[string]string{"go.mod": "module " + ModulePath + "\n", "lessons/01-echo/x.go": "package echo\n"})
	got, err := Root(filepath.Join(root, "lessons", "01-echo"))
	if err != nil || got != root {
		t.Errorf("Root = %q, %v; want %q", got, err, root)
	}
	if _, err := Root(t.TempDir()); err == nil {
		t.Errorf("outside the workshop: got no error")
	}
}
