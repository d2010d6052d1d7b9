package lessonsrc

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestReadReadmeMapsTestsToExercises(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"README.md": "# 01 · The blocking chain\n\n" +
		"## The story\n\nSee `TestNotAnExercise`.\n\n" +
		"## Exercises\n\n" +
		"1. Call the database. Checked by `TestHandleCalls` and\n   `TestWaitsAddUp`.\n" +
		"2. Count in-flight calls. Checked by `TestInFlight`, like `TestWaitsAddUp`.\n\n" +
		"## How to run\n\n`TestHandleCalls` again.\n"})
	got := ReadReadme(dir)
	if got.Title != "The blocking chain" {
		t.Errorf("Title: got %q, want %q", got.Title, "The blocking chain")
	}
	want := map[string]int{"TestHandleCalls": 1, "TestWaitsAddUp": 1, "TestInFlight": 2}
	if ex := got.ExerciseOf(); !reflect.DeepEqual(ex, want) {
		t.Errorf("ExerciseOf: got %v, want %v", ex, want)
	}
}

func TestReadReadmeWithoutAFile(t *testing.T) {
	got := ReadReadme(t.TempDir())
	if got.Title != "" || len(got.Headings) != 0 || len(got.Exercises) != 0 || len(got.ExerciseOf()) != 0 {
		t.Errorf("got %+v, want nothing", got)
	}
	if _, ok := got.Section(ExercisesHeading); ok {
		t.Errorf("got a section %q, want none", ExercisesHeading)
	}
}

func TestParseReadmeIgnoresHeadingsInsideCodeBlocks(t *testing.T) {
	rd := ParseReadme("```md\n# 02 · Not the title\n```\n# 01 · T\n\n## A\ntext\n```sh\n# not a heading\n## nor this\n```\n## B\n~~~\n## no\n~~~\nend\n")
	want := []string{"# 01 · T", "## A", "## B"}
	if !slices.Equal(rd.Headings, want) {
		t.Errorf("got headings %q, want %q", rd.Headings, want)
	}
	if rd.Title != "T" {
		t.Errorf("got title %q, want %q", rd.Title, "T")
	}
	if got, _ := rd.Section("## B"); got != "~~~\n## no\n~~~\nend\n" {
		t.Errorf("got section B %q, want its lines with the code block", got)
	}
	if len(rd.Fences) != 3 || rd.Fences[1].Info != "sh" || rd.Fences[1].Body != "# not a heading\n## nor this" {
		t.Errorf("got fences %+v, want the md block, the sh block and the ~~~ block", rd.Fences)
	}
}

func TestParseReadmeTitle(t *testing.T) {
	for _, c := range []struct{ text, want string }{
		{"# 01 · The blocking chain\n", "The blocking chain"},
		{"# 01 - Dash  \n", "Dash"},
		{"# Intro\n# 02: Second\n", "Second"},
		{"# No number\n", ""},
		{"## 01 · A section\n", ""},
	} {
		if got := ParseReadme(c.text).Title; got != c.want {
			t.Errorf("%q: got title %q, want %q", c.text, got, c.want)
		}
	}
}

func TestParseReadmeReadsNumberedExercisesAndTheirTests(t *testing.T) {
	rd := ParseReadme("## Exercises\n\nIntro naming `TestIgnored`.\n\n" +
		"1. Do the first thing.\n" +
		"   Checked by `TestOne` and `TestTwo`.\n" +
		"2) Second, checked by `TestThree`, `TestThree` again\n" +
		"   - a sub-point about `Testing` and `Test_Four`, not TestSix\n" +
		"    3. indented too far to be an item, `TestSeven`\n" +
		"10. Tenth, with `go test -run TestFive`\n" +
		"## Hints\n\n1. Not an exercise: `TestEight`\n")
	want := []Exercise{
		{N: 1, Tests: []string{"TestOne", "TestTwo"}},
		{N: 2, Tests: []string{"TestThree", "Test_Four", "TestSeven"}},
		{N: 10, Tests: []string{"TestFive"}},
	}
	if !reflect.DeepEqual(rd.Exercises, want) {
		t.Errorf("got %+v, want %+v", rd.Exercises, want)
	}
}

func TestReadmeFindsDiagramsLinksAndDetails(t *testing.T) {
	rd := ParseReadme("## The story\n\n```mermaid\nsequenceDiagram\n  A->>B: call\n```\n\n```mermaid\nflowchart LR\n```\n")
	if !rd.HasMermaid("sequenceDiagram") {
		t.Errorf("HasMermaid(sequenceDiagram): got false, want true")
	}
	if rd.HasMermaid("classDiagram") {
		t.Errorf("HasMermaid(classDiagram): got true, want false")
	}
	if ParseReadme("```sh\nsequenceDiagram\n```\n").HasMermaid("sequenceDiagram") {
		t.Errorf("a sh block: got a mermaid diagram, want none")
	}
	for _, c := range []struct {
		text         string
		link, detail bool
	}{
		{"- [The Go blog](https://go.dev/blog/)", true, false},
		{"see <https://go.dev/ref/spec>", true, false},
		{"see https://go.dev/doc/", true, false},
		{"the Go blog, [draft]", false, false},
		{"<details><summary>Nudge</summary>…</details>", false, true},
		{"<DETAILS open>", false, true},
		{"<detailsx>", false, false},
	} {
		if got := HasLink(c.text); got != c.link {
			t.Errorf("HasLink(%q): got %v, want %v", c.text, got, c.link)
		}
		if got := HasDetails(c.text); got != c.detail {
			t.Errorf("HasDetails(%q): got %v, want %v", c.text, got, c.detail)
		}
	}
	if _, ok := rd.Section("## Hints"); ok {
		t.Errorf("Section(## Hints): got ok, want no such section")
	}
	if got, ok := rd.Section("## The story"); !ok || !strings.Contains(got, "sequenceDiagram") {
		t.Errorf("Section(## The story): got %q, %v; want its text", got, ok)
	}
}

func TestParseReadmeReadsEachExercisesBoldLeadAsItsTitle(t *testing.T) {
	rd := ParseReadme("# 04 · Retries\n\n## Exercises\n\n" +
		"1. **Stop the storm.** Make at most `p.MaxAttempts` calls.\n" +
		"2. **Never sleep past the deadline:** give up at once.\n" +
		"3. Count the calls, no lead. **Bold later** is not a title.\n")
	var got []string
	for _, e := range rd.Exercises {
		got = append(got, e.Title)
	}
	if want := []string{"Stop the storm", "Never sleep past the deadline", ""}; !slices.Equal(got, want) {
		t.Errorf("titles = %q, want %q", got, want)
	}
}
