package verify

import (
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestHintProblemsAcceptsTheFixture(t *testing.T) {
	l := lesson.Load(testkit.Tree(t, map[string]string{"lessons/01-echo/README.md": goodReadme(t)}), lesson.ID{Number: "01", Slug: "echo"})
	if p := hintProblems(l); len(p) != 0 {
		t.Errorf("got problems %q, want none", p)
	}
}

func TestHintProblemsFindsWhatHintAndWatchCannotShow(t *testing.T) {
	good := goodReadme(t)
	for _, c := range []struct {
		name string
		edit func(string) string
		want string
	}{
		{"an exercise without hints", func(s string) string {
			return strings.Replace(s, "<details><summary>Exercise 2</summary>Call Echo twice.</details>", "", 1)
		}, "exercise 2 has no hint"},
		{"a hint that names no exercise", func(s string) string {
			return strings.Replace(s, "<summary>Exercise 2</summary>", "<summary>For the second one</summary>", 1)
		}, `the hint "For the second one" names no exercise`},
		{"a hint for an exercise that does not exist", func(s string) string {
			return strings.Replace(s, "<summary>Exercise 2</summary>", "<summary>Exercise 3</summary>", 1)
		}, "a hint for exercise 3, which the README's ## Exercises does not have"},
		{"an empty hint", func(s string) string {
			return strings.Replace(s, "Call Echo twice.", "", 1)
		}, "hint 1 of exercise 2 is empty"},
		{"no questions", func(s string) string {
			return strings.Replace(s, "Where do requests wait? Who feels the delay? What happens when waiting grows?", "", 1)
		}, "## The three questions has no text"},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := testkit.Tree(t, map[string]string{"lessons/01-echo/README.md": c.edit(good)})
			p := hintProblems(lesson.Load(root, lesson.ID{Number: "01", Slug: "echo"}))
			if !strings.Contains(strings.Join(p, "\n"), c.want) {
				t.Errorf("got problems %q, want one saying %q", p, c.want)
			}
		})
	}
}
