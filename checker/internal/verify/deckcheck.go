package verify

import (
	"fmt"
	"path"

	"github.com/wherewaiting/workshop/checker/internal/deckfit"
	"github.com/wherewaiting/workshop/checker/internal/deckshape"
)

// deckCheck is one check of what a deck shows. It runs only on a deck that
// parses (deckProblems reports one that does not).
type deckCheck struct {
	name       string // what passes, after "deck slides/NN-slug.slide: "
	lessonOnly bool   // only for a lesson's deck, slides/NN-slug.slide
	problems   func(d *deck) []string
	known      string // its short name in knownFailures
}

// deckChecks read every deck that parses: every slide fits the screen
// (package deckfit); a lesson's deck has the shared title slide and keeps
// the solution for after "Your turn" (package deckshape).
var deckChecks = []deckCheck{
	{"every slide fits a 1280×800 screen", false, fitCheck, checkSlidesFit},
	{fmt.Sprintf("title slide is \"# NN · Title\", \"%s · lesson NN\", \"Tags: …\"", deckshape.Workshop), true, titleCheck, checkSlidesTitle},
	{fmt.Sprintf("no solution before %q; solution slides titled %q…", deckshape.YourTurn, deckshape.SolutionPrefix), true, orderCheck, checkSlidesOrder},
}

// fitCheck lists the slides that run off the screen, and those that cannot
// be measured.
func fitCheck(d *deck) []string {
	var p []string
	for _, s := range deckfit.Measure(d.doc) {
		p = append(p, s.Problems()...)
		for _, u := range s.Unmeasurable {
			p = append(p, fmt.Sprintf("slide %d %q: cannot measure %s; give it a size, or check by a screenshot", s.Number, s.Title, u))
		}
	}
	if len(p) > 0 {
		p = append(p, "check by eye: serve with `go tool present -http 127.0.0.1:PORT -content slides -notes=false`, screenshot at 1280×800 (CONTRIBUTING.md)")
	}
	return p
}

func titleCheck(d *deck) []string { return deckshape.Title(d.src, d.lesson.Number) }

func orderCheck(d *deck) []string { return deckshape.Order(d.src, path.Dir(d.rel)) }
