package verify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
)

// goodReadme is the fixture lesson's README, which meets every rule.
func goodReadme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "fixture", "lessons", "01-echo", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestReadmeProblemsAcceptsTheFixture(t *testing.T) {
	if p := readmeProblems(lessonsrc.ParseReadme(goodReadme(t)), "01"); len(p) != 0 {
		t.Errorf("got problems %q, want none", p)
	}
	flags := strings.Replace(goodReadme(t), "go test ./lessons/01-echo/", "go test -race -run TestEcho ./lessons/01-echo/", 1)
	if p := readmeProblems(lessonsrc.ParseReadme(flags), "01"); len(p) != 0 {
		t.Errorf("go test with flags: got problems %q, want none", p)
	}
}

func TestReadmeProblemsFindsEachMissingPart(t *testing.T) {
	good := goodReadme(t)
	for _, c := range []struct {
		name string
		edit func(string) string
		want string
	}{
		{"wrong number", func(s string) string { return strings.Replace(s, "# 01 · Echo", "# 02 · Echo", 1) }, `want "# 01 · Title"`},
		{"no middle dot", func(s string) string { return strings.Replace(s, "# 01 · Echo", "# 01 - Echo", 1) }, "middle dot"},
		{"headings swapped", func(s string) string {
			s = strings.Replace(s, "## Hints", "## TMP", 1)
			s = strings.Replace(s, "## How to run", "## Hints", 1)
			return strings.Replace(s, "## TMP", "## How to run", 1)
		}, "in this order"},
		{"extra heading", func(s string) string { return s + "\n## Credits\n" }, `"## Credits"`},
		{"no diagram", func(s string) string { return strings.Replace(s, "sequenceDiagram", "flowchart LR", 1) }, "sequenceDiagram"},
		{"no details", func(s string) string { return strings.ReplaceAll(s, "<details>", "<div>") }, "<details>"},
		{"no link", func(s string) string {
			return strings.Replace(s, "- [The Go blog](https://go.dev/blog/)", "- the Go blog", 1)
		}, "no link"},
		{"no checker command", func(s string) string { return strings.Replace(s, "go run ./checker 01", "go run ./checker", 1) }, "go run ./checker 01"},
		{"no test command", func(s string) string {
			return strings.Replace(s, "go test -race ./lessons/01-echo/", "go test ./...", 1)
		}, "go test -race ./lessons/01-slug/"},
		{"no short form", func(s string) string {
			return strings.Replace(s, "go test -race ./lessons/01...", "go test -race ./...", 1)
		}, "the short form"},
		{"no -race", func(s string) string {
			return strings.Replace(s, "go test -race ./lessons/01-echo/", "go test ./lessons/01-echo/  # all the tests", 1)
		}, "shows `go test ./lessons/01-echo/` without -race"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := readmeProblems(lessonsrc.ParseReadme(c.edit(good)), "01")
			if !strings.Contains(strings.Join(p, "\n"), c.want) {
				t.Errorf("got problems %q, want one mentioning %q", p, c.want)
			}
		})
	}
}

func TestExerciseProblems(t *testing.T) {
	tests := []string{"TestA", "TestB", "TestC"}
	for _, c := range []struct {
		name string
		ex   []lessonsrc.Exercise
		want []string // substrings, one per expected problem
	}{
		{"good", []lessonsrc.Exercise{{N: 1, Tests: []string{"TestA"}}, {N: 2, Tests: []string{"TestB", "TestC"}}}, nil},
		{"none", nil, []string{"no numbered list"}},
		{"unknown test", []lessonsrc.Exercise{{N: 1, Tests: []string{"TestA", "TestB", "TestC", "TestZ"}}}, []string{"names TestZ, which is not a test"}},
		{"unnamed test", []lessonsrc.Exercise{{N: 1, Tests: []string{"TestA", "TestB"}}}, []string{"TestC is not named by any exercise"}},
		{"named twice", []lessonsrc.Exercise{{N: 1, Tests: []string{"TestA", "TestB"}}, {N: 2, Tests: []string{"TestB", "TestC"}}}, []string{"TestB is named by exercises 1 and 2"}},
		{"no tests", []lessonsrc.Exercise{{N: 1, Tests: []string{"TestA", "TestB", "TestC"}}, {N: 2, Tests: nil}}, []string{"exercise 2 names no test"}},
		{"numbering", []lessonsrc.Exercise{{N: 1, Tests: []string{"TestA"}}, {N: 3, Tests: []string{"TestB", "TestC"}}}, []string{"exercise 2 is numbered 3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := exerciseProblems(c.ex, tests)
			if len(got) != len(c.want) {
				t.Fatalf("got problems %q, want %d", got, len(c.want))
			}
			for i, w := range c.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("problem %d: got %q, want it to mention %q", i, got[i], w)
				}
			}
		})
	}
}

func TestTodoProblemsMapsTODOsToExercises(t *testing.T) {
	ex := []lessonsrc.Exercise{{N: 1, Tests: []string{"TestA"}}, {N: 2, Tests: []string{"TestB"}}}
	todos := []lessonsrc.TODO{
		{Exercise: 1, File: "a.go", Line: 3},
		{Exercise: 4, File: "b.go", Line: 9},
		{Exercise: 4, File: "c.go", Line: 1},
	}
	got := todoProblems(ex, todos)
	want := []string{
		"exercise 2 has no // TODO(2) in the starter files",
		"b.go:9 has TODO(4), but the README has no exercise 4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
