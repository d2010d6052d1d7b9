package classreport

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/class"
)

// CSVHeader names the columns of CSV: one row for each learner and lesson
// (a copy that was not graded has one row, with its problem).
var CSVHeader = []string{"learner", "lesson", "title", "verdict", "underlying", "passed", "total",
	"exercise", "exercise_title", "first_failing_test", "test_verdict", "tests_changed", "older_version",
	"stuck", "problem", "copy_problem", "notes"}

// CSV writes one row for each learner and lesson, for a spreadsheet.
func CSV(w io.Writer, r class.Report) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	row := func(fields ...string) error {
		for i, f := range fields {
			fields[i] = cellSafe(Clean(f))
		}
		return cw.Write(fields)
	}
	for _, c := range r.Copies {
		notes := strings.Join(c.Notes, "; ")
		if c.Problem != "" {
			if err := row(c.Name, "", "", "", "", "", "", "", "", "", "", "", "", "", "", c.Problem, notes); err != nil {
				return err
			}
			continue
		}
		stuck := r.Stuck(c)
		cur := c.Current()
		for i, l := range c.Lessons {
			col := r.Lessons[i]
			exercise, title := "", ""
			if l.Exercise > 0 {
				exercise, title = strconv.Itoa(l.Exercise), col.ExerciseTitle(l.Exercise)
			}
			err := row(c.Name, col.Number, col.Title, string(l.Verdict), string(l.Underlying),
				strconv.Itoa(l.Passed), strconv.Itoa(l.Total), exercise, title, l.Test, string(l.TestVerdict),
				strconv.FormatBool(l.TestsChanged), strconv.FormatBool(l.Older), strconv.FormatBool(stuck && i == cur),
				l.Problem, "", notes)
			if err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// cellSafe keeps a spreadsheet from reading a field as a formula: one that
// begins with = + - @ (or a tab or a carriage return, which some skip) is
// written after an apostrophe, as OWASP advises for CSV injection.
func cellSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
