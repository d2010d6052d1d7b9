package classreport

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/wherewaiting/workshop/checker/internal/class"
	"github.com/wherewaiting/workshop/checker/internal/grade"
)

// Text writes the class for a terminal: the table (learners × lessons,
// the ones to look at first, "!" not graded, ">" stuck), the totals of
// each lesson, then what is wrong with each copy that is not done.
func Text(w io.Writer, r class.Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "Where Waiting Lives — the class: %d copies, %d lessons%s\n\n", len(r.Copies), len(r.Lessons), notes(r))
	nameWidth := utf8.RuneCountInString("learner")
	for _, c := range r.Copies {
		nameWidth = max(nameWidth, utf8.RuneCountInString(Clean(c.Name)))
	}
	pad := func(s string, n int) string { return s + strings.Repeat(" ", max(0, n-utf8.RuneCountInString(s))) }
	const cell = 6
	fmt.Fprintf(bw, "  %s", pad("learner", nameWidth))
	for _, col := range r.Lessons {
		fmt.Fprintf(bw, " %s", pad(col.Number, cell))
	}
	fmt.Fprintln(bw, " on")
	for _, c := range r.Copies {
		mark := " "
		switch {
		case c.Problem != "":
			mark = "!"
		case r.Stuck(c):
			mark = ">"
		}
		fmt.Fprintf(bw, "%s %s", mark, pad(Clean(c.Name), nameWidth))
		if c.Problem != "" {
			fmt.Fprintf(bw, " not graded: %s\n", Clean(c.Problem))
			continue
		}
		for _, l := range c.Lessons {
			fmt.Fprintf(bw, " %s", pad(Cell(l), cell))
		}
		fmt.Fprintf(bw, " %s\n", Clean(r.OnText(c)))
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "  done: every test passes · 3/7: failing, 3 of 7 tests pass · hang, leak, race, crash · build: does not compile")
	fmt.Fprintln(bw, "  vet: fails go vet · -: not started · old: older version, not done · none: not in the copy · *: tests changed")
	fmt.Fprintln(bw, "  !: not graded · >: stuck (on a lesson at least half of the class has done)")
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Lessons:")
	for i, col := range r.Lessons {
		fmt.Fprintf(bw, "  %s %s: %s\n", col.Number, col.Title, r.Sentence(i))
	}
	first := true
	for _, c := range r.Copies {
		lines := copyDetail(r, c)
		if len(lines) == 0 {
			continue
		}
		if first {
			fmt.Fprintln(bw)
			fmt.Fprintln(bw, "Learners:")
			first = false
		}
		fmt.Fprintf(bw, "  %s (%s)\n", Clean(c.Name), Clean(r.OnText(c)))
		for _, l := range lines {
			fmt.Fprintf(bw, "    %s\n", l)
		}
	}
	return bw.Flush()
}

// notes are the run's notes on the title line.
func notes(r class.Report) string {
	var out []string
	if !r.RaceChecked {
		out = append(out, "races not checked (no C compiler for -race)")
	}
	if r.Sandboxed {
		out = append(out, "tests run in a bubblewrap sandbox")
	}
	if len(out) == 0 {
		return ""
	}
	return " (" + strings.Join(out, "; ") + ")"
}

// copyDetail is what to say of a copy, escaped: its problem, its notes,
// and a line per lesson that is started but not done, up to the lesson it
// is on.
func copyDetail(r class.Report, c class.Copy) []string {
	var out []string
	if c.Problem != "" {
		out = append(out, "not graded: "+Clean(c.Problem))
	}
	for _, n := range c.Notes {
		out = append(out, "note: "+Clean(n))
	}
	for i, l := range c.Lessons {
		if l.Verdict == grade.Done || l.Verdict == grade.NotStarted || l.Verdict == class.Missing {
			continue
		}
		out = append(out, fmt.Sprintf("%s %s", l.Number, Describe(r, i, l)))
	}
	return out
}
