package verify

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

// deckText builds a Markdown-style present deck with n slides, the given
// directive lines on the last one.
func deckText(n int, directives ...string) string {
	var b strings.Builder
	b.WriteString("# A deck\nWhere waiting lives\n\n")
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "## Slide %d\n\nText.\n\n", i)
	}
	for _, d := range directives {
		b.WriteString(d + "\n\n")
	}
	return b.String()
}

func TestDeckProblemsAcceptsAGoodDeck(t *testing.T) {
	root := t.TempDir()
	testkit.Write(t, root, map[string]string{
		"solutions/01-echo/echo.go": "package echo\n\n// START OMIT\nfunc Echo() {}\n// END OMIT\n",
		"slides/images/flow.svg":    "<svg/>",
		"slides/01-echo.slide": deckText(8,
			".code ../solutions/01-echo/echo.go /START OMIT/,/END OMIT/",
			".image images/flow.svg _ 600",
			".iframe https://go.dev/ 300 600"),
	})
	if p := deckProblems(readDeck(filepath.Join(root, "slides", "01-echo.slide"), "slides/01-echo.slide")); len(p) != 0 {
		t.Errorf("got problems %q, want none", p)
	}
}

func TestDeckProblemsListsEveryMissingFile(t *testing.T) {
	root := t.TempDir()
	testkit.Write(t, root, map[string]string{
		"slides/02-x.slide": deckText(9,
			// An address cannot match a missing file: the parse would
			// abort here if verify did not carry on.
			".code ../solutions/02-x/gone.go /START OMIT/,/END OMIT/",
			".play ../solutions/02-x/also-gone.go",
			".html missing.html",
			".image images/none.png",
			".background images/nobg.png"),
	})
	got := strings.Join(deckProblems(readDeck(filepath.Join(root, "slides", "02-x.slide"), "slides/02-x.slide")), "\n")
	for _, want := range []string{
		"refers to ../solutions/02-x/gone.go, which does not exist",
		"refers to ../solutions/02-x/also-gone.go, which does not exist",
		"refers to missing.html, which does not exist",
		"refers to images/none.png, which does not exist",
		"refers to images/nobg.png, which does not exist",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got problems:\n%s\nwant one saying %q", got, want)
		}
	}
}

func TestDeckProblemsCountsSlides(t *testing.T) {
	root := t.TempDir()
	for _, c := range []struct {
		n    int
		want string
	}{
		{7, "has 7 slides; want 8–18"},
		{8, ""},
		{18, ""},
		{19, "has 19 slides; want 8–18"},
	} {
		path := filepath.Join(root, fmt.Sprintf("d%d.slide", c.n))
		testkit.Write(t, root, map[string]string{filepath.Base(path): deckText(c.n)})
		got := strings.Join(deckProblems(readDeck(path, "d.slide")), "\n")
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("%d slides: got problems %q, want %q", c.n, got, c.want)
		}
	}
}

func TestDeckProblemsReportsAParseError(t *testing.T) {
	root := t.TempDir()
	testkit.Write(t, root, map[string]string{"bad.slide": deckText(8, ".nosuchcommand x")})
	got := strings.Join(deckProblems(readDeck(filepath.Join(root, "bad.slide"), "slides/bad.slide")), "\n")
	if !strings.Contains(got, "slides/bad.slide does not parse") || !strings.Contains(got, "unknown command") {
		t.Errorf("got %q, want a parse error naming the deck and the unknown command", got)
	}
	if strings.Contains(got, root) {
		t.Errorf("got %q, want the deck named by its relative path only", got)
	}
}

func TestFindDecksWalksTheSlidesFolder(t *testing.T) {
	root := t.TempDir()
	testkit.Write(t, root, map[string]string{
		"slides/01-a.slide":       "",
		"slides/extra/talk.slide": "",
		"slides/images/x.png":     "",
	})
	got, err := findDecks(filepath.Join(root, "slides"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || filepath.Base(got[0]) != "01-a.slide" || filepath.Base(got[1]) != "talk.slide" {
		t.Errorf("got %q, want the two .slide files", got)
	}
	if got, err := findDecks(filepath.Join(root, "nothing")); err != nil || got != nil {
		t.Errorf("no slides folder: got %q, %v; want nothing, no error", got, err)
	}
}

// A deck named after a lesson, in slides/, gets the checks of a lesson's
// deck (its title slide, its order); any other deck only the ones every
// deck gets.
func TestReadDeckTellsALessonsDeckFromAnyOther(t *testing.T) {
	root := testkit.Tree(t, map[string]string{
		"slides/03-fan-out.slide":       deckText(8),
		"slides/extra/03-fan-out.slide": deckText(8),
		"slides/talk.slide":             deckText(8),
	})
	for rel, want := range map[string]string{
		"slides/03-fan-out.slide":       "03-fan-out",
		"slides/extra/03-fan-out.slide": "slides/extra/03-fan-out.slide",
		"slides/talk.slide":             "slides/talk.slide",
	} {
		d := readDeck(filepath.Join(root, filepath.FromSlash(rel)), rel)
		if d.doc == nil || d.key() != want || d.isLesson != (want == "03-fan-out") {
			t.Errorf("%s: parsed %v, key %q, a lesson's deck %v; want it parsed, key %q", rel, d.doc != nil, d.key(), d.isLesson, want)
		}
	}
}
