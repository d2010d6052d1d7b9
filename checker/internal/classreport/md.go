package classreport

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/class"
)

// Markdown writes the table, the lessons' totals and the learners' details
// as GitHub-flavoured Markdown, for an issue or a wiki page.
func Markdown(w io.Writer, r class.Report) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# The class: %d copies, %d lessons%s\n\n", len(r.Copies), len(r.Lessons), md(notes(r)))
	fmt.Fprint(bw, "| | learner |")
	for _, col := range r.Lessons {
		fmt.Fprintf(bw, " %s |", md(col.Number))
	}
	fmt.Fprintln(bw, " on |")
	fmt.Fprint(bw, "|---|---|")
	for range r.Lessons {
		fmt.Fprint(bw, "---|")
	}
	fmt.Fprintln(bw, "---|")
	for _, c := range r.Copies {
		mark := ""
		switch {
		case c.Problem != "":
			mark = "not graded"
		case r.Stuck(c):
			mark = "stuck"
		}
		fmt.Fprintf(bw, "| %s | %s |", mark, md(c.Name))
		for i := range r.Lessons {
			cell := ""
			if c.Problem == "" && i < len(c.Lessons) {
				cell = md(Cell(c.Lessons[i]))
			}
			fmt.Fprintf(bw, " %s |", cell)
		}
		on := r.OnText(c)
		if c.Problem != "" {
			on = c.Problem
		}
		fmt.Fprintf(bw, " %s |\n", md(on))
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, md("done: every test passes; 3/7: failing, 3 of 7 tests pass; hang, leak, race, crash; build: does not compile; vet: fails go vet; -: not started; old: older version, not done; none: not in the copy; *: tests changed."))
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "## Lessons")
	fmt.Fprintln(bw)
	for i, col := range r.Lessons {
		fmt.Fprintf(bw, "- **%s %s**: %s\n", md(col.Number), md(col.Title), md(r.Sentence(i)))
	}
	first := true
	for _, c := range r.Copies {
		lines := copyDetail(r, c)
		if len(lines) == 0 {
			continue
		}
		if first {
			fmt.Fprintln(bw)
			fmt.Fprintln(bw, "## Learners")
			first = false
		}
		fmt.Fprintf(bw, "\n### %s\n\n", md(c.Name))
		for _, l := range lines {
			fmt.Fprintf(bw, "- %s\n", md(l))
		}
	}
	return bw.Flush()
}

// md escapes text for Markdown: control characters as \uXXXX (Clean),
// then every ASCII punctuation mark with a backslash, which CommonMark
// and GitHub read as the mark itself: no emphasis, link, HTML tag, code
// span or table cell can begin in it.
func md(s string) string {
	s = Clean(s)
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 && strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
