package verify

import (
	"fmt"
	"os"
	"slices"

	"github.com/wherewaiting/workshop/checker/internal/hint"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/mdtext"
	"github.com/wherewaiting/workshop/checker/internal/watch"
)

// hintProblems checks what `go run ./checker hint` and `watch` read from a
// README: every exercise has hints, every block under ## Hints names its
// exercise ("Exercise N, a nudge") and says something, and the three
// questions have text outside their folded answers.
func hintProblems(l *lesson.Lesson) []string {
	hl, err := hint.Load(l)
	if err != nil {
		return []string{err.Error()}
	}
	var p []string
	for _, n := range hl.Exercises {
		if len(hint.Of(hl.Hints, n)) == 0 {
			p = append(p, fmt.Sprintf("exercise %d has no hint: a <details> block under ## Hints whose summary starts \"Exercise %d\"", n, n))
		}
	}
	for _, h := range hl.Hints {
		if !slices.Contains(hl.Exercises, h.Exercise) {
			p = append(p, fmt.Sprintf("a hint for exercise %d, which the README's ## Exercises does not have", h.Exercise))
		}
		if h.Text == "" {
			p = append(p, fmt.Sprintf("hint %d of exercise %d is empty", h.Level, h.Exercise))
		}
	}
	for _, s := range hl.Unnamed {
		p = append(p, fmt.Sprintf("the hint %q names no exercise, so `go run ./checker hint` never shows it: start its summary with \"Exercise N\"", s))
	}
	data, _ := os.ReadFile(l.Abs(l.Dir(), "README.md"))
	if q, _ := mdtext.Find(data, watch.QuestionsHeading); q.Text == "" {
		p = append(p, "## The three questions has no text outside its folded answers for `go run ./checker watch` to ask")
	}
	return p
}
