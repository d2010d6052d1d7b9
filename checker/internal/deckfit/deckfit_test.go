package deckfit

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
	"golang.org/x/tools/present"
)

// parse parses a deck from files in dir (.code names resolve there).
func parse(t *testing.T, dir, name string) *present.Doc {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := &present.Context{ReadFile: os.ReadFile}
	doc, err := ctx.Parse(f, path, 0)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// The calibration slides are lesson slides as they were when the limits
// were set (testdata/calibration: each deck one slide, its .code includes
// saved as resolved), with what the screenshots at 1280×800 showed and
// where Chromium's layout put the bottom of the content (of 620px).
func TestCalibrationSlidesFitAsTheScreenshotsShowed(t *testing.T) {
	for _, c := range []struct {
		deck   string
		fits   bool
		edge   string // which edge it runs off
		screen string // what the screenshot showed
	}{
		{"01-10.slide", false, "right edge", "Proving it, exactly: a 140-column line cut at 97"},
		{"02-08.slide", false, "bottom", "The key code: 621px, down on the page number"},
		{"03-06.slide", false, "bottom", "The key code: Handle: 645px"},
		{"03-09.slide", false, "bottom", "Bounded concurrency: Lookup: 821px, the end cut off"},
		{"04-07.slide", false, "right edge", "Never sleep past the deadline: a 128-column line"},
		{"05-09.slide", false, "bottom", "After: generations: 845px"},
		{"07-05.slide", false, "bottom", "N workers, one queue: 725px"},
		{"07-08.slide", false, "bottom", "Submit: select, with no lock held: 981px"},
		{"07-11.slide", false, "bottom", "Giving up, honestly: 637px, its last line on the edge"},
		{"08-07.slide", false, "bottom", "Room, weighed: 681px, the last bullet cut"},
		{"08-09.slide", false, "right edge", "Drop the work nobody waits for: a 109-column line"},

		{"00-04.slide", true, "", "A goroutine that outlives its caller: 541px"},
		{"01-09.slide", true, "", "The pool is a buffered channel: 453px, a 93-column line whole"},
		{"03-07.slide", true, "", "The first error cancels the rest: 607px"},
		{"05-06.slide", true, "", "Call: before, the call, after: 606px"},
		{"06-07.slide", true, "", "Submit: never wait: 573px, a 92-column line whole"},
		{"06-08.slide", true, "", "The worker: 563px"},
		{"07-10.slide", true, "", "Shutdown: 549px"},
	} {
		t.Run(c.deck, func(t *testing.T) {
			slides := Measure(parse(t, filepath.Join("testdata", "calibration"), c.deck))
			if len(slides) != 1 {
				t.Fatalf("got %d slides, want 1", len(slides))
			}
			s := slides[0]
			if s.Fits() != c.fits {
				t.Fatalf("measured %dpx, widest code %d columns: Fits() = %v, but the screenshot showed %s", s.Height, s.WidestCode, s.Fits(), c.screen)
			}
			p := strings.Join(s.Problems(), "\n")
			if !strings.Contains(p, c.edge) || (c.fits && p != "") {
				t.Errorf("got problems %q, want one about the %s", p, c.edge)
			}
		})
	}
}

func TestMeasureAddsUpBlocksAsPresentStacksThem(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"x.go":    "package x\n\nfunc F() {\n\tif true {\n\t\treturn\n\t}\n}\n",
		"d.slide": "# Deck\nSub\n\n## Code and text\n\n.code x.go /^func F/,/^}/\n\nOne line of text.\n\n    pre 1\n    pre 2\n\n- an item\n- another item\n",
	})
	s := Measure(parse(t, dir, "d.slide"))[0]
	if s.TextLines != 3 || s.CodeLines != 7 || s.WidestCode != len("        return") {
		t.Errorf("got %d text lines, %d code lines, widest %d; want 3, 7 and 14 (a tab is 4 columns)", s.TextLines, s.CodeLines, s.WidestCode)
	}
	// title 36; code 20+12+5×24; text 20+36; pre 20+12+2×24; list 20+2×(36+13)−13
	want := 36 + (20 + 12 + 5*24) + (20 + 36) + (20 + 12 + 2*24) + (20 + 2*(36+13) - 13)
	if s.Height != want {
		t.Errorf("got height %dpx, want %d", s.Height, want)
	}
	if s.Number != 2 || s.Title != "Code and text" || len(s.Unmeasurable) != 0 {
		t.Errorf("got %+v", s)
	}
}

func TestMeasureCountsCodeLinesAndColumnsAgainstTheLimits(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"tall.txt":  strings.Repeat("x\n", 24), // 36 + 20 + 12 + 24×24 = 644px
		"short.txt": strings.Repeat("x\n", 22), // 596px
		"wide.txt":  strings.Repeat("y", MaxCodeColumns+1) + "\n",
		"edge.txt":  strings.Repeat("z", MaxCodeColumns) + "\n",
		"d.slide":   "# Deck\nSub\n\n## Tall\n\n.code tall.txt\n\n## Short\n\n.code short.txt\n\n## Wide\n\n.code wide.txt\n\n## Edge\n\n.code edge.txt\n",
	})
	slides := Measure(parse(t, dir, "d.slide"))
	for i, want := range []struct {
		fits bool
		say  string
	}{
		{false, `slide 2 "Tall" runs off the bottom: 0 lines of text and 24 of code take about 644px, more than the 615px`},
		{true, ""},
		{false, `slide 4 "Wide" runs off the right edge: a code line of 97 columns, more than 96: yyy`},
		{true, ""},
	} {
		s := slides[i]
		got := strings.Join(s.Problems(), "\n")
		if s.Fits() != want.fits || (want.say == "") != (got == "") || !strings.Contains(got, want.say) {
			t.Errorf("slide %d: Fits() = %v, problems %q; want %v and %q", i+1, s.Fits(), got, want.fits, want.say)
		}
	}
}

func TestMeasureWrapsTextAtTheCalibratedWidth(t *testing.T) {
	word := strings.Repeat("w", 10)
	para := strings.TrimSpace(strings.Repeat(word+" ", 9)) // 98 characters: 2 lines
	item := strings.TrimSpace(strings.Repeat(word+" ", 8)) // 87: 2 lines in a list, 1 in a paragraph
	code := "`" + strings.Repeat("c", 40) + "` " + strings.Repeat("t", 40)
	dir := testkit.Tree(t, map[string]string{"d.slide": "# Deck\nSub\n\n## A\n\n" + para + "\n\n" + item + "\n\n- " + item + "\n\n## B\n\n" + code + "\n"})
	slides := Measure(parse(t, dir, "d.slide"))
	if got := slides[0].TextLines; got != 5 {
		t.Errorf("got %d text lines, want 5: 2 for 98 characters, 1 for 87 in a paragraph, 2 in a list item", got)
	}
	// 40 characters of inline code count as 56: 56+1+40 = 97 > 89.
	if got := slides[1].TextLines; got != 2 {
		t.Errorf("inline code: got %d text lines, want 2 (code is wider than text)", got)
	}
}

func TestLinesBreaksBetweenWords(t *testing.T) {
	for _, c := range []struct {
		text    string
		columns int
		want    int
	}{
		{"", 10, 0},
		{"one", 10, 1},
		{"aaaa bbbb", 9, 1},
		{"aaaa bbbbb", 9, 2},
		{"a verylongwordthatdoesnotfit b", 5, 3},
		{"one\ntwo", 80, 2},
	} {
		if got := lines(c.text, c.columns); got != c.want {
			t.Errorf("lines(%q, %d) = %d, want %d", c.text, c.columns, got, c.want)
		}
	}
}
