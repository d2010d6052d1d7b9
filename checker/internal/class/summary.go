package class

import (
	"fmt"
	"sort"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
)

// Report is a graded class, ready to be written in any format.
type Report struct {
	Lessons []Column // the instructor's lessons, in order
	Copies  []Copy   // sorted: see Sort
	Totals  []Total  // one per lesson
	// RaceChecked is false when -race could not run for some copy.
	RaceChecked bool
	Sandboxed   bool
}

// Column is one lesson of the instructor's.
type Column struct {
	Number, Slug, Title string
	Exercises           []string // exercise titles, by number from 1 ("" when a README item has none)
}

// ExerciseTitle is the title of exercise n, or "".
func (c Column) ExerciseTitle(n int) string {
	if n < 1 || n > len(c.Exercises) {
		return ""
	}
	return c.Exercises[n-1]
}

// Total is how the class stands on one lesson.
type Total struct {
	Graded     int // copies graded (not those with a problem)
	Done       int
	NotStarted int
	Missing    int
	// Stuck counts the learners who started but are not done, by the
	// exercise they are on; StuckOn is the exercise most of them are on
	// (the lowest on a tie), 0 when none is stuck.
	Stuck        map[int]int
	StuckOn      int
	TestsChanged int
	Older        int
}

// StuckCount is how many learners are stuck on any exercise.
func (t Total) StuckCount() int {
	n := 0
	for _, c := range t.Stuck {
		n += c
	}
	return n
}

// NewReport sorts the copies and counts the totals.
func NewReport(lessons []*lesson.Lesson, copies []Copy, sandboxed bool) Report {
	r := Report{RaceChecked: true, Sandboxed: sandboxed}
	for _, l := range lessons {
		if l.Draft {
			continue
		}
		col := Column{Number: l.Number, Slug: l.Slug, Title: l.Readme.Title}
		if col.Title == "" {
			col.Title = l.Slug
		}
		for _, e := range l.Readme.Exercises {
			for len(col.Exercises) < e.N-1 {
				col.Exercises = append(col.Exercises, "")
			}
			if len(col.Exercises) == e.N-1 {
				col.Exercises = append(col.Exercises, e.Title)
			}
		}
		r.Lessons = append(r.Lessons, col)
	}
	r.Copies = append([]Copy(nil), copies...)
	r.Totals = make([]Total, len(r.Lessons))
	for i := range r.Totals {
		r.Totals[i].Stuck = map[int]int{}
	}
	for _, c := range r.Copies {
		if c.Problem != "" {
			continue
		}
		if !c.RaceChecked {
			r.RaceChecked = false
		}
		for i, l := range c.Lessons {
			if i >= len(r.Totals) {
				break
			}
			t := &r.Totals[i]
			t.Graded++
			switch {
			case l.Verdict == grade.Done:
				t.Done++
			case l.Verdict == grade.NotStarted:
				t.NotStarted++
			case l.Verdict == Missing:
				t.Missing++
			case l.Verdict == grade.OlderVersion:
				// counted in Older: pulling the new version comes first
			default:
				t.Stuck[l.Exercise]++
			}
			if l.TestsChanged {
				t.TestsChanged++
			}
			if l.Older {
				t.Older++
			}
		}
	}
	for i := range r.Totals {
		t := &r.Totals[i]
		most := 0
		for ex, n := range t.Stuck {
			if ex > 0 && (n > most || (n == most && ex < t.StuckOn)) {
				t.StuckOn, most = ex, n
			}
		}
	}
	r.Sort()
	return r
}

// DoneCount is how many lessons a copy has done.
func (c Copy) DoneCount() int {
	n := 0
	for _, l := range c.Lessons {
		if l.Verdict == grade.Done {
			n++
		}
	}
	return n
}

// Current is the index of the lesson the learner is on: the first that is
// not done; -1 when every lesson is done or the copy was not graded.
func (c Copy) Current() int {
	for i, l := range c.Lessons {
		if l.Verdict != grade.Done {
			return i
		}
	}
	return -1
}

// Stuck reports whether the learner is stuck: the lesson they are on is
// started but not done, and at least half of the class that was graded
// has done it already.
func (r Report) Stuck(c Copy) bool {
	i := c.Current()
	if i < 0 || c.Problem != "" {
		return false
	}
	l := c.Lessons[i]
	if l.Verdict == grade.NotStarted || l.Verdict == Missing {
		return false
	}
	t := r.Totals[i]
	return t.Graded > 0 && 2*t.Done >= t.Graded
}

// Sort orders the copies so that the ones to look at come first: those
// that could not be graded, then the stuck, then by lessons done (fewest
// first), then by the tests passed in the lesson each is on, then by name.
func (r *Report) Sort() {
	key := func(c Copy) (int, int, int) {
		rank := 2
		switch {
		case c.Problem != "":
			rank = 0
		case r.Stuck(c):
			rank = 1
		}
		passed := 0
		if i := c.Current(); i >= 0 {
			passed = c.Lessons[i].Passed
		}
		return rank, c.DoneCount(), passed
	}
	sort.SliceStable(r.Copies, func(i, j int) bool {
		ri, di, pi := key(r.Copies[i])
		rj, dj, pj := key(r.Copies[j])
		if ri != rj {
			return ri < rj
		}
		if di != dj {
			return di < dj
		}
		if pi != pj {
			return pi < pj
		}
		return r.Copies[i].Name < r.Copies[j].Name
	})
}

// Sentence is the lesson's total in words: "14 of 30 done with 04; 9
// stuck on exercise 3 'Never sleep past the deadline'; 5 not started".
func (r Report) Sentence(i int) string {
	col, t := r.Lessons[i], r.Totals[i]
	parts := []string{fmt.Sprintf("%d of %d done with %s", t.Done, t.Graded, col.Number)}
	if t.StuckOn > 0 {
		s := fmt.Sprintf("%d stuck on exercise %d", t.Stuck[t.StuckOn], t.StuckOn)
		if title := col.ExerciseTitle(t.StuckOn); title != "" {
			s += fmt.Sprintf(" '%s'", title)
		}
		if other := t.StuckCount() - t.Stuck[t.StuckOn]; other > 0 {
			s += fmt.Sprintf(", %d on others", other)
		}
		parts = append(parts, s)
	} else if n := t.StuckCount(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d stuck", n))
	}
	if t.NotStarted > 0 {
		parts = append(parts, fmt.Sprintf("%d not started", t.NotStarted))
	}
	if t.Missing > 0 {
		parts = append(parts, fmt.Sprintf("%d without it in their copy", t.Missing))
	}
	if t.Older > 0 {
		parts = append(parts, fmt.Sprintf("%d on an older version", t.Older))
	}
	if t.TestsChanged > 0 {
		parts = append(parts, fmt.Sprintf("%d with tests changed", t.TestsChanged))
	}
	return strings.Join(parts, "; ")
}

// OnText is where a copy stands, in words: "04 exercise 3 'Never sleep
// past the deadline'", "every lesson done", or its problem.
func (r Report) OnText(c Copy) string {
	if c.Problem != "" {
		return "not graded"
	}
	i := c.Current()
	if i < 0 {
		return "every lesson done"
	}
	l := c.Lessons[i]
	s := l.Number
	if l.Exercise > 0 {
		s += fmt.Sprintf(" exercise %d", l.Exercise)
		if title := r.Lessons[i].ExerciseTitle(l.Exercise); title != "" {
			s += fmt.Sprintf(" '%s'", title)
		}
	}
	return s
}
