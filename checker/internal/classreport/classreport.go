// Package classreport writes a graded class (package class) for people
// and machines: a text table for the terminal, and CSV, Markdown, JSON and
// a self-contained HTML heat map.
//
// Everything a learner controls reaches the report: the folder names of
// the copies, the file names in them, and the output of their code (a
// panic's message, a compile error that quotes their identifiers). Each
// format escapes it so that it can never forge a line, a cell or markup of
// the report: control characters and bidirectional overrides are written
// as \uXXXX in every format; CSV quotes fields and defuses spreadsheet
// formulas; Markdown escapes every punctuation mark; JSON and HTML escape
// as their encoders do (html/template, by context).
package classreport

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/wherewaiting/workshop/checker/internal/class"
	"github.com/wherewaiting/workshop/checker/internal/grade"
)

// Formats are the names -format takes.
var Formats = []string{"text", "csv", "md", "json", "html"}

// Write writes r in format.
func Write(w io.Writer, r class.Report, format string) error {
	switch format {
	case "text", "":
		return Text(w, r)
	case "csv":
		return CSV(w, r)
	case "md":
		return Markdown(w, r)
	case "json":
		return JSON(w, r)
	case "html":
		return HTML(w, r)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// Clean writes the characters that could move the cursor, end a line,
// colour a terminal or reorder text (control characters, bidirectional
// overrides and isolates, line and paragraph separators) as \uXXXX, so a
// learner's string stays on its line and says only what it says.
func Clean(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) || isBidi(r) || r == '\u2028' || r == '\u2029' || r == unicode.ReplacementChar {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isBidi(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') || r == '\u200e' || r == '\u200f' || r == '\u061c'
}

// Cell is the short text of one lesson of one copy in a table: "done",
// "3/7" (failing), "hang", "leak", "race", "crash", "build", "vet", "-"
// (not started), "old" (older version), "none" (not in the copy); a "*"
// marks tests the learner changed.
func Cell(l class.Lesson) string {
	s := ""
	switch l.Verdict {
	case grade.Done:
		s = "done"
	case grade.Failing:
		s = fmt.Sprintf("%d/%d", l.Passed, l.Total)
	case grade.Hangs:
		s = "hang"
	case grade.Leaks:
		s = "leak"
	case grade.Races:
		s = "race"
	case grade.Crashed:
		s = "crash"
	case grade.NoCompile:
		s = "build"
	case grade.VetFails:
		s = "vet"
	case grade.NotStarted:
		s = "-"
	case grade.OlderVersion:
		s = "old"
	case class.Missing:
		s = "none"
	default:
		s = string(l.Verdict)
	}
	if l.TestsChanged {
		s += "*"
	}
	return s
}

// Kind groups verdicts for colours: done, failing, broken (hangs, leaks,
// races, crashed, does not compile, fails go vet), notstarted, older,
// missing.
func Kind(l class.Lesson) string {
	switch l.Verdict {
	case grade.Done:
		return "done"
	case grade.Failing:
		return "failing"
	case grade.NotStarted:
		return "notstarted"
	case grade.OlderVersion:
		return "older"
	case class.Missing:
		return "missing"
	}
	return "broken"
}

// Describe is one lesson of one copy in words, for a detail line or a
// hover: "failing, 3 of 7 tests pass; on exercise 2 'Give up on time':
// TestX fails: …".
func Describe(r class.Report, i int, l class.Lesson) string {
	s := string(l.Verdict)
	if l.Verdict == grade.OlderVersion || (l.Verdict == grade.NotStarted && l.Underlying != "" && l.Underlying != grade.TestsNotRun) {
		s += " (the tests say: " + string(l.Underlying) + ")"
	}
	ran := l.Verdict != grade.Done && l.Verdict != grade.NotStarted && l.Verdict != class.Missing &&
		l.Verdict != grade.NoCompile && l.Underlying != grade.NoCompile && l.Underlying != grade.TestsNotRun
	if l.Total > 0 && ran {
		s += fmt.Sprintf(", %d of %d tests pass", l.Passed, l.Total)
	}
	if l.TestsChanged {
		s += "; tests changed (graded with the instructor's)"
	}
	if l.Older && l.Verdict == grade.Done {
		s += "; from an older version of the workshop"
	}
	if l.Exercise > 0 && l.Verdict != grade.Done {
		s += fmt.Sprintf("; on exercise %d", l.Exercise)
		if t := r.Lessons[i].ExerciseTitle(l.Exercise); t != "" {
			s += fmt.Sprintf(" '%s'", t)
		}
	}
	if l.Problem != "" && l.Problem != "not started" {
		s += ": " + l.Problem
	}
	return Clean(s)
}
