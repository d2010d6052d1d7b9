package mdtext

import (
	"reflect"
	"testing"
)

const readme = "# 01 · Echo\n" +
	"\n" +
	"## Hints\n" +
	"\n" +
	"Open only as many as you need.\n" +
	"\n" +
	"<details><summary>Exercise 1, a nudge</summary>\n" +
	"\n" +
	"What does `Echo` *return*? See [the tour](https://go.dev/tour/) &amp; try\n" +
	"again \\*now\\*.\n" +
	"\n" +
	"</details>\n" +
	"\n" +
	"<details>\n" +
	"<summary>Exercise 1: <em>nearly</em> the answer</summary>\n" +
	"\n" +
	"```go\n" +
	"func Echo(s string) string {\n" +
	"\treturn s\n" +
	"}\n" +
	"```\n" +
	"\n" +
	"- one\n" +
	"- two,\n" +
	"  on two lines\n" +
	"  1. nested\n" +
	"\n" +
	"> quoted\n" +
	"\n" +
	"</details>\n" +
	"\n" +
	"<details><summary>Exercise 2</summary>Return s &lt;twice&gt;.</details>\n" +
	"\n" +
	"```\n" +
	"<details><summary>Exercise 9</summary>\n" +
	"## Not a heading\n" +
	"```\n" +
	"\n" +
	"## The three questions\n" +
	"\n" +
	"**Where do requests wait?** Here.\n" +
	"\n" +
	"<details><summary>A short answer</summary>\n" +
	"\n" +
	"Nowhere.\n" +
	"\n" +
	"</details>\n" +
	"\n" +
	"# Another title\n" +
	"\n" +
	"Not in the section.\n"

func TestFoldsAreReadAsGitHubShowsThem(t *testing.T) {
	sec, ok := Find([]byte(readme), "Hints")
	if !ok {
		t.Fatal("Find did not find ## Hints")
	}
	want := []Fold{
		{Summary: "Exercise 1, a nudge", Body: "What does `Echo` return? See the tour (https://go.dev/tour/) & try\nagain *now*."},
		{Summary: "Exercise 1: nearly the answer", Body: "    func Echo(s string) string {\n        return s\n    }\n\n" +
			"- one\n- two,\n  on two lines\n  1. nested\n\n> quoted"},
		{Summary: "Exercise 2", Body: "Return s <twice>."},
	}
	if !reflect.DeepEqual(sec.Folds, want) {
		t.Errorf("folds:\n got %q\nwant %q", sec.Folds, want)
	}
	wantText := "Open only as many as you need.\n\n    <details><summary>Exercise 9</summary>\n    ## Not a heading"
	if sec.Text != wantText {
		t.Errorf("text outside the folds:\n got %q\nwant %q", sec.Text, wantText)
	}
}

func TestASectionEndsAtTheNextHeadingOfLevelOneOrTwo(t *testing.T) {
	sec, ok := Find([]byte(readme), "The three questions")
	if !ok {
		t.Fatal("Find did not find ## The three questions")
	}
	if sec.Text != "Where do requests wait? Here." {
		t.Errorf("text = %q, want the question without its folded answer, and nothing after the next title", sec.Text)
	}
	if len(sec.Folds) != 1 || sec.Folds[0].Body != "Nowhere." {
		t.Errorf("folds = %q, want the short answer", sec.Folds)
	}
}

func TestAMissingSectionIsReported(t *testing.T) {
	if _, ok := Find([]byte(readme), "Not a heading"); ok {
		t.Error(`Find found "## Not a heading", which is inside a code block`)
	}
	if _, ok := Find([]byte(readme), "Further reading"); ok {
		t.Error("Find found a section the README does not have")
	}
}

func TestAFoldThatIsNeverClosedKeepsItsText(t *testing.T) {
	sec, _ := Find([]byte("## Hints\n\n<details><summary>Exercise 1</summary>\n\nText.\n"), "Hints")
	if len(sec.Folds) != 1 || sec.Folds[0].Body != "Text." {
		t.Errorf("folds = %q, want one with its text", sec.Folds)
	}
}
