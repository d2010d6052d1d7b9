package classreport

import (
	"encoding/json"
	"io"

	"github.com/wherewaiting/workshop/checker/internal/class"
)

// JSONReport is the document -format json writes.
type JSONReport struct {
	RaceChecked bool          `json:"race_checked"`
	Sandboxed   bool          `json:"sandboxed"`
	Lessons     []JSONLesson  `json:"lessons"`
	Learners    []JSONLearner `json:"learners"`
}

// JSONLesson is one lesson of the instructor's, with the class's totals.
type JSONLesson struct {
	Number       string         `json:"number"`
	Slug         string         `json:"slug"`
	Title        string         `json:"title"`
	Exercises    []string       `json:"exercises"`
	Summary      string         `json:"summary"`
	Graded       int            `json:"graded"`
	Done         int            `json:"done"`
	NotStarted   int            `json:"not_started"`
	NotInCopy    int            `json:"not_in_copy"`
	StuckOn      int            `json:"stuck_on,omitempty"`
	Stuck        map[string]int `json:"stuck,omitempty"` // by exercise number; "0" when unknown
	TestsChanged int            `json:"tests_changed"`
	Older        int            `json:"older_version"`
}

// JSONLearner is one copy.
type JSONLearner struct {
	Name    string              `json:"name"`
	Problem string              `json:"problem,omitempty"`
	Notes   []string            `json:"notes,omitempty"`
	Stuck   bool                `json:"stuck"`
	On      string              `json:"on"`
	Done    int                 `json:"done"`
	Seconds float64             `json:"seconds"`
	Lessons []JSONLearnerLesson `json:"lessons,omitempty"`
}

// JSONLearnerLesson is one lesson of one copy.
type JSONLearnerLesson struct {
	Number       string `json:"number"`
	Verdict      string `json:"verdict"`
	Underlying   string `json:"underlying,omitempty"`
	Passed       int    `json:"passed"`
	Total        int    `json:"total"`
	Exercise     int    `json:"exercise,omitempty"`
	Test         string `json:"first_failing_test,omitempty"`
	TestVerdict  string `json:"test_verdict,omitempty"`
	TestsChanged bool   `json:"tests_changed,omitempty"`
	Older        bool   `json:"older_version,omitempty"`
	Problem      string `json:"problem,omitempty"`
}

// JSON writes the class as one JSON document. encoding/json escapes
// control characters and, by default, <, > and &, so the document is safe
// to embed; strings are otherwise as found.
func JSON(w io.Writer, r class.Report) error {
	doc := JSONReport{RaceChecked: r.RaceChecked, Sandboxed: r.Sandboxed, Lessons: []JSONLesson{}, Learners: []JSONLearner{}}
	for i, col := range r.Lessons {
		t := r.Totals[i]
		jl := JSONLesson{Number: col.Number, Slug: col.Slug, Title: col.Title, Exercises: col.Exercises, Summary: r.Sentence(i),
			Graded: t.Graded, Done: t.Done, NotStarted: t.NotStarted, NotInCopy: t.Missing, StuckOn: t.StuckOn,
			TestsChanged: t.TestsChanged, Older: t.Older}
		if len(t.Stuck) > 0 {
			jl.Stuck = map[string]int{}
			for ex, n := range t.Stuck {
				jl.Stuck[itoa(ex)] = n
			}
		}
		if jl.Exercises == nil {
			jl.Exercises = []string{}
		}
		doc.Lessons = append(doc.Lessons, jl)
	}
	for _, c := range r.Copies {
		jc := JSONLearner{Name: c.Name, Problem: c.Problem, Notes: c.Notes, Stuck: r.Stuck(c), On: r.OnText(c), Done: c.DoneCount(),
			Seconds: float64(c.Elapsed.Milliseconds()) / 1000}
		for _, l := range c.Lessons {
			jc.Lessons = append(jc.Lessons, JSONLearnerLesson{Number: l.Number, Verdict: string(l.Verdict), Underlying: string(l.Underlying),
				Passed: l.Passed, Total: l.Total, Exercise: l.Exercise, Test: l.Test, TestVerdict: string(l.TestVerdict),
				TestsChanged: l.TestsChanged, Older: l.Older, Problem: l.Problem})
		}
		doc.Learners = append(doc.Learners, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
