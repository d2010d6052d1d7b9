// Package hint is `go run ./checker hint`: the hints of a lesson's
// README, one level at a time, for the exercise the learner is on.
//
// The README's collapsed `<details>` blocks under "## Hints" are the only
// source; a block counts when its summary starts "Exercise N" ("Exercise
// 2, a nudge", "Exercise 2: closer"), and the blocks of one exercise are
// its levels, in the README's order, from a nudge to nearly the answer.
// Which levels a learner has seen is remembered outside the workshop (see
// Seen), so asking again shows the next one.
package hint

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/mdtext"
	"github.com/wherewaiting/workshop/checker/internal/report"
)

// Heading is the title of the README section that holds the hints.
const Heading = "Hints"

// Hint is one level of help for one exercise.
type Hint struct {
	Exercise int
	Level    int    // 1, 2, …, in the README's order
	Label    string // what follows "Exercise N," in the summary: "a nudge"
	Text     string // the block's content, as plain text
}

var summaryRE = regexp.MustCompile(`^Exercise\s+(\d+)\s*(?:[,:;.—–-]\s*(.*))?$`)

// Parse reads the hints of a README, and the summaries of the blocks
// under "## Hints" that name no exercise (which no command shows).
func Parse(readme []byte) (hints []Hint, unnamed []string) {
	sec, _ := mdtext.Find(readme, Heading)
	levels := map[int]int{}
	for _, f := range sec.Folds {
		m := summaryRE.FindStringSubmatch(strings.TrimSpace(f.Summary))
		if m == nil {
			unnamed = append(unnamed, f.Summary)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		levels[n]++
		hints = append(hints, Hint{Exercise: n, Level: levels[n], Label: strings.TrimSpace(m[2]), Text: f.Body})
	}
	return hints, unnamed
}

// Of returns the hints of one exercise, in level order.
func Of(hints []Hint, exercise int) []Hint {
	var out []Hint
	for _, h := range hints {
		if h.Exercise == exercise {
			out = append(out, h)
		}
	}
	return out
}

// Lesson is a lesson with the hints of its README.
type Lesson struct {
	*lesson.Lesson
	Hints []Hint
	// Unnamed are the summaries of the blocks under "## Hints" whose
	// summary names no exercise.
	Unnamed []string
	// Exercises are the numbers of the exercises the README lists, in
	// order; when it lists none, those its hints name.
	Exercises []int
	// Place is where the checker runs: the commands and paths shown work
	// there.
	Place report.Place
}

// Load reads the hints of a lesson's README.
func Load(l *lesson.Lesson) (*Lesson, error) {
	data, err := os.ReadFile(l.Abs(l.Dir(), "README.md"))
	if err != nil {
		return nil, fmt.Errorf("lesson %s has no README to take hints from: %w", l.Name(), err)
	}
	hl := &Lesson{Lesson: l}
	hl.Hints, hl.Unnamed = Parse(data)
	seen := map[int]bool{}
	add := func(n int) {
		if n > 0 && !seen[n] {
			seen[n] = true
			hl.Exercises = append(hl.Exercises, n)
		}
	}
	for _, e := range l.Readme.Exercises {
		add(e.N)
	}
	if len(hl.Exercises) == 0 {
		for _, h := range hl.Hints {
			add(h.Exercise)
		}
	}
	return hl, nil
}

// Title is "03 · Fan-out", or "03-fan-out" when the README has no title.
func (hl *Lesson) Title() string {
	if hl.Readme.Title == "" {
		return hl.Name()
	}
	return hl.Number + " · " + hl.Readme.Title
}

// Current is the exercise the learner is on in a graded lesson: the lowest
// exercise with a test that does not pass (the first exercise of a lesson
// not started), with a sentence on why. When there is none, or the grade
// cannot tell, the error says so in a sentence for the learner.
func (hl *Lesson) Current(r grade.Lesson) (exercise int, why string, err error) {
	switch r.Status {
	case grade.Done:
		return 0, "", fmt.Errorf("%s is done: every test passes, nothing leaks, no race; no hint needed", hl.Title())
	case grade.NoCompile:
		return 0, "", fmt.Errorf("%s does not compile, so which exercise you are on is not known yet (`%s %s` shows where it stops)", hl.Title(), hl.Place.Checker(), hl.Number)
	case grade.NotStarted:
		if len(hl.Exercises) > 0 {
			return hl.Exercises[0], fmt.Sprintf("You have not started %s yet: exercise %d comes first.", hl.Title(), hl.Exercises[0]), nil
		}
	}
	t := r.FirstProblem()
	switch {
	case t == nil:
		return 0, "", fmt.Errorf("every test of %s passes, yet it is not done: %s", hl.Title(), r.Problem())
	case t.Exercise == 0:
		return 0, "", fmt.Errorf("%s %s, and no exercise of the README names it", t.Name, t.Status.Verb())
	}
	return t.Exercise, fmt.Sprintf("You are on exercise %d: %s %s.", t.Exercise, t.Name, t.Status.Verb()), nil
}

// Pick chooses the hint to show: the given level of the exercise, or,
// with level 0, the first level not seen yet (the last one again when all
// were seen, with again set). Errors name what exists.
func (hl *Lesson) Pick(exercise, level int, seen *Seen) (h Hint, again bool, err error) {
	if !slices.Contains(hl.Exercises, exercise) {
		return Hint{}, false, fmt.Errorf("lesson %s has %s; there is no exercise %d", hl.Number, span("exercise", hl.Exercises), exercise)
	}
	levels := Of(hl.Hints, exercise)
	if len(levels) == 0 {
		return Hint{}, false, fmt.Errorf("exercise %d of lesson %s has no hints in %s/README.md", exercise, hl.Number, hl.Dir())
	}
	if level != 0 {
		if level < 1 || level > len(levels) {
			return Hint{}, false, fmt.Errorf("exercise %d of lesson %s has %s; there is no hint %d", exercise, hl.Number, span("hint", numbers(len(levels))), level)
		}
		return levels[level-1], false, nil
	}
	for _, h := range levels {
		if !seen.Has(hl.Name(), exercise, h.Level) {
			return h, false, nil
		}
	}
	return levels[len(levels)-1], true, nil
}

// Show picks a hint (see Pick), writes it, and marks it seen. why, when
// not empty, is a sentence on how the exercise was chosen. Nothing is written when
// the exercise or the level does not exist.
func (hl *Lesson) Show(w io.Writer, exercise, level int, why string, seen *Seen) error {
	h, again, err := hl.Pick(exercise, level, seen)
	if err != nil {
		return err
	}
	seen.Mark(hl.Name(), h.Exercise, h.Level)
	s := shown{Hint: h, Of: len(Of(hl.Hints, exercise)), Why: why, Again: again}
	if next, last, _ := hl.Pick(exercise, 0, seen); !last {
		s.Next = &next
	}
	hl.write(w, s)
	return nil
}

func numbers(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// span says "exercises 1 to 3", "hint 1", "hints 1, 2 and 4".
// ExerciseSpan names the lesson's exercises: "exercises 1 to 6".
func (hl *Lesson) ExerciseSpan() string { return span("exercise", hl.Exercises) }

func span(what string, xs []int) string {
	switch len(xs) {
	case 0:
		return "no " + what + "s"
	case 1:
		return fmt.Sprintf("only %s %d", what, xs[0])
	}
	consecutive := true
	for i := 1; i < len(xs); i++ {
		consecutive = consecutive && xs[i] == xs[i-1]+1
	}
	if consecutive {
		return fmt.Sprintf("%ss %d to %d", what, xs[0], xs[len(xs)-1])
	}
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = strconv.Itoa(x)
	}
	return fmt.Sprintf("%ss %s and %s", what, strings.Join(parts[:len(parts)-1], ", "), parts[len(parts)-1])
}

// shown is a hint as the learner sees it.
type shown struct {
	Hint
	Of int // how many levels the exercise has
	// Why, when not empty, is a sentence on how the exercise was chosen.
	Why string
	// Again is set when every level had been seen and this is the last
	// one again.
	Again bool
	// Next is the level that asking again without a level will show, nil
	// when every level has been seen.
	Next *Hint
}

// write shows one hint: a title line, the hint's text, and what to ask
// for next.
func (hl *Lesson) write(w io.Writer, s shown) {
	fmt.Fprintf(w, "%s · exercise %d · hint %d of %d%s\n", hl.Title(), s.Exercise, s.Level, s.Of, labelled(s.Hint, s.Of))
	if s.Why != "" {
		fmt.Fprintln(w, s.Why)
	}
	fmt.Fprintln(w)
	if s.Text != "" {
		fmt.Fprintln(w, s.Text)
		fmt.Fprintln(w)
	}
	cmd := Command(hl.Place, hl.Number, s.Exercise)
	switch {
	case s.Next != nil:
		fmt.Fprintf(w, "Still stuck? The next hint you have not seen, %d of %d%s:\n  %s\n", s.Next.Level, s.Of, labelled(*s.Next, s.Of), cmd)
	case s.Again && s.Of == 1:
		fmt.Fprintf(w, "You have seen the one hint of exercise %d; this was it again.\n", s.Exercise)
	case s.Again:
		fmt.Fprintf(w, "You have seen all %d hints of exercise %d; this was the last one again.\n", s.Of, s.Exercise)
	default:
		fmt.Fprintf(w, "That was the last hint of exercise %d.\n", s.Exercise)
	}
	if s.Next == nil {
		fmt.Fprintf(w, "A finished version of the lesson is in %s/.\n", hl.Place.Path(hl.SolutionDir()))
	}
	if s.Of > 1 {
		fmt.Fprintf(w, "One hint again: %s LEVEL (1 to %d).\n", cmd, s.Of)
	}
}

// Command is the command that shows the next hint of an exercise, as it
// works where the checker runs.
func Command(pl report.Place, lesson string, exercise int) string {
	return pl.Hint(lesson, exercise)
}

// labelled is the hint's label, in brackets, for a hint of an exercise
// with of levels. A README's label says either what the hint is about
// ("where to hold the connection") or how far it goes ("a nudge",
// "more", "nearly the answer"); the second kind is given by the hint's
// place instead, so that no hint says it is nearly the answer while more
// follow: the first is a nudge, the last nearly the answer, the others
// closer.
func labelled(h Hint, of int) string {
	label := h.Label
	if scale[strings.ToLower(label)] {
		switch {
		case h.Level == 1:
			label = "a nudge"
		case h.Level == of:
			label = "nearly the answer"
		default:
			label = "closer"
		}
	}
	if label == "" {
		return ""
	}
	return " (" + label + ")"
}

// scale are the labels that say how far a hint goes, not what it is about.
var scale = map[string]bool{
	"a nudge": true, "nudge": true, "closer": true, "more": true, "further": true,
	"nearly the answer": true, "almost the answer": true, "the answer": true,
}

// StateDir is where the checker keeps what it remembers for a learner:
// the user's cache folder, never the workshop.
func StateDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "where-waiting-lives"), nil
}
