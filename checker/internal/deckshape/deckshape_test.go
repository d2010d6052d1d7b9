package deckshape

import (
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

const goodHead = "# 03 · Fan-out\nWhere Waiting Lives · lesson 03\nTags: go, errgroup\n\n"

func TestTitleAcceptsTheSharedShape(t *testing.T) {
	if p := Title(goodHead+"## The question\n\nText.\n", "03"); len(p) != 0 {
		t.Errorf("got %q, want no problem", p)
	}
}

func TestTitleReportsEachDeparture(t *testing.T) {
	for _, c := range []struct {
		name, head, want string
	}{
		{"no number", "# Fan-out\nWhere Waiting Lives · lesson 03\nTags: go\n", `title slide line 1: "# Fan-out"; want "# 03 · Title"`},
		{"another lesson's number", "# 04 · Fan-out\nWhere Waiting Lives · lesson 03\nTags: go\n", `line 1: "# 04 · Fan-out"`},
		{"subtitle without the lesson", "# 03 · Fan-out\nWhere Waiting Lives\nTags: go\n", `title slide line 2: "Where Waiting Lives"; want "Where Waiting Lives · lesson 03"`},
		{"no tags", "# 03 · Fan-out\nWhere Waiting Lives · lesson 03\n", `title slide line 3: missing; want "Tags: …"`},
		{"an author block", "# 03 · Fan-out\nWhere Waiting Lives · lesson 03\nTags: go\n\nWhere Waiting Lives\n", `title slide: "Where Waiting Lives"; want nothing after the Tags line`},
	} {
		t.Run(c.name, func(t *testing.T) {
			testkit.Contains(t, strings.Join(Title(c.head+"\n## Slide\n\nText.\n", "03"), "\n"), c.want)
		})
	}
}

func TestOrderAcceptsSolutionsAfterYourTurn(t *testing.T) {
	deck := goodHead +
		"## The starter\n\n.code ../lessons/03-fan-out/fanout.go /^func Handle/,/^}/\n\n" +
		".code timelines/03-fan-out/starter/sum.txt\n\n" +
		"## Your turn\n\n1. Do it.\n\n" +
		"## Solution: Handle\n\n.code -numbers ../solutions/03-fan-out/fanout.go /^func Handle/,/^}/\n\n" +
		".code timelines/03-fan-out/solution/max.txt\n\n" +
		"## The three questions\n\nText.\n"
	if p := Order(deck, "slides"); len(p) != 0 {
		t.Errorf("got %q, want no problem", p)
	}
}

func TestOrderReportsSpoilersAndUnmarkedSolutions(t *testing.T) {
	deck := goodHead +
		"## The key code\n\n.code ../solutions/03-fan-out/fanout.go /^func Handle/,/^}/\n\n" +
		".code ../solutions/03-fan-out/fanout.go /^func Lookup/,/^}/\n\n" +
		"## The payoff\n\n.code timelines/03-fan-out/solution/max.txt\n\n" +
		"## Proving it\n\n.play ../lessons/03-fan-out/fanout_test.go\n\n" +
		"## Your turn\n\n1. Do it.\n\n" +
		"## Bounded concurrency\n\n.code ../solutions/03-fan-out/fanout.go /^func Lookup/,/^}/\n"
	got := Order(deck, "slides")
	want := []string{
		`slide 2 "The key code" shows the solution (../solutions/03-fan-out/fanout.go) before "Your turn"`,
		`slide 3 "The payoff" shows the solution (timelines/03-fan-out/solution/max.txt) before "Your turn"`,
		`slide 6 "Bounded concurrency" shows the solution (../solutions/03-fan-out/fanout.go): begin its title with "Solution: "`,
	}
	if len(got) != len(want) {
		t.Fatalf("got %q, want %d problems", got, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w) {
			t.Errorf("problem %d: got %q, want it to start %q", i+1, got[i], w)
		}
	}
}

func TestOrderWantsAYourTurnSlide(t *testing.T) {
	got := Order(goodHead+"## The key code\n\n.code ../solutions/03-fan-out/fanout.go\n", "slides")
	if len(got) != 2 || !strings.HasPrefix(got[0], `no slide titled "Your turn"`) || !strings.Contains(got[1], "before \"Your turn\"") {
		t.Errorf("got %q, want the missing slide and the spoiler", got)
	}
}
