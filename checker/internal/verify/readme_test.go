package verify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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

func TestParseReadmeIgnoresHeadingsInsideCodeBlocks(t *testing.T) {
	rd := parseReadme("# 01 · T\n\n## A\ntext\n```sh\n# not a heading\n## nor this\n```\n## B\n~~~\n## no\n~~~\nend\n")
	want := []string{"# 01 · T", "## A", "## B"}
	if !slices.Equal(rd.Headings, want) {
		t.Errorf("got headings %q, want %q", rd.Headings, want)
	}
	if got := strings.Join(rd.Sections["## B"], "|"); got != "~~~|## no|~~~|end|" {
		t.Errorf("got section B %q, want its lines with the code block", got)
	}
	if len(rd.Fences) != 2 || rd.Fences[0].Info != "sh" || rd.Fences[0].Body != "# not a heading\n## nor this" {
		t.Errorf("got fences %+v, want the sh block and the ~~~ block", rd.Fences)
	}
}

func TestReadmeProblemsAcceptsTheFixture(t *testing.T) {
	if p := readmeProblems(parseReadme(goodReadme(t)), "01"); len(p) != 0 {
		t.Errorf("got problems %q, want none", p)
	}
	flags := strings.Replace(goodReadme(t), "go test ./lessons/01-echo/", "go test -race -run TestEcho ./lessons/01-echo/", 1)
	if p := readmeProblems(parseReadme(flags), "01"); len(p) != 0 {
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
		{"no test command", func(s string) string { return strings.Replace(s, "go test ./lessons/01-echo/", "go test ./...", 1) }, "go test ./lessons/01…"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := readmeProblems(parseReadme(c.edit(good)), "01")
			if !strings.Contains(strings.Join(p, "\n"), c.want) {
				t.Errorf("got problems %q, want one mentioning %q", p, c.want)
			}
		})
	}
}

func TestParseExercisesReadsNumberedItemsAndTheirTests(t *testing.T) {
	lines := strings.Split(`Intro naming `+"`TestIgnored`"+`.

1. Do the first thing.
   Checked by `+"`TestOne`"+` and `+"`TestTwo`"+`.
2) Second, checked by `+"`TestThree`, `TestThree`"+` again
   - a sub-point about `+"`Testing`"+` and `+"`Test_Four`"+`
10. Tenth, with `+"`go test -run TestFive`", "\n")
	got := parseExercises(lines)
	want := []exercise{
		{N: 1, Tests: []string{"TestOne", "TestTwo"}},
		{N: 2, Tests: []string{"TestThree", "Test_Four"}},
		{N: 10, Tests: []string{"TestFive"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d exercises %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].N != want[i].N || !slices.Equal(got[i].Tests, want[i].Tests) {
			t.Errorf("exercise %d: got %+v, want %+v", i+1, got[i], want[i])
		}
	}
}

func TestExerciseProblems(t *testing.T) {
	tests := []string{"TestA", "TestB", "TestC"}
	for _, c := range []struct {
		name string
		ex   []exercise
		want []string // substrings, one per expected problem
	}{
		{"good", []exercise{{1, []string{"TestA"}}, {2, []string{"TestB", "TestC"}}}, nil},
		{"none", nil, []string{"no numbered list"}},
		{"unknown test", []exercise{{1, []string{"TestA", "TestB", "TestC", "TestZ"}}}, []string{"names TestZ, which is not a test"}},
		{"unnamed test", []exercise{{1, []string{"TestA", "TestB"}}}, []string{"TestC is not named by any exercise"}},
		{"named twice", []exercise{{1, []string{"TestA", "TestB"}}, {2, []string{"TestB", "TestC"}}}, []string{"TestB is named by exercises 1 and 2"}},
		{"no tests", []exercise{{1, []string{"TestA", "TestB", "TestC"}}, {2, nil}}, []string{"exercise 2 names no test"}},
		{"numbering", []exercise{{1, []string{"TestA"}}, {3, []string{"TestB", "TestC"}}}, []string{"exercise 2 is numbered 3"}},
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
	ex := []exercise{{1, []string{"TestA"}}, {2, []string{"TestB"}}}
	todos := map[int][]todoPlace{1: {{"a.go", 3}}, 4: {{"b.go", 9}}}
	got := todoProblems(ex, todos)
	want := []string{
		"exercise 2 has no // TODO(2) in the starter files",
		"b.go:9 has TODO(4), but the README has no exercise 4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}
