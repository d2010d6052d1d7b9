package report

import (
	"encoding/json"
	"io"
)

// Document is what `go run ./checker -json` prints: one JSON object.
// `go run ./checker -json NN` prints the same shape with only that lesson.
//
//	{
//	  "lessons": [{
//	    "number": "01",                 // always two digits
//	    "slug": "blocking-chain",
//	    "title": "The blocking chain",
//	    "status": "failing",            // done | failing | does not compile | hangs | leaks | races |
//	                                    // crashed | tests changed | older version | not started | coming soon
//	    "underlying_status": "failing", // with "tests changed", "older version" or "not started": what the tests said
//	    "passed": 3, "total": 5,        // top-level tests
//	    "problem": "TestX fails: …",    // one sentence; absent when done
//	    "changed_test_files": ["lessons/01-blocking-chain/chain_test.go"], // changed or deleted
//	    "added_test_files": [],
//	    "older_test_files": [],         // as an earlier release shipped them: pull
//	    "build_errors": ["lessons/01-blocking-chain/chain.go:12:5: undefined: x"],
//	    "tests": [{
//	      "name": "TestX",
//	      "status": "fail",             // pass | fail | leak | race | hang | crash | not run | skip
//	      "exercise": 2,                // from the README; absent if unknown
//	      "file": "lessons/01-blocking-chain/chain.go", // learner's line if known, else the test's
//	      "line": 42,
//	      "message": "the client waited 6s; …",  // one sentence
//	      "details": ["Error:    Not equal:", "…"]
//	    }]
//	  }],
//	  "score": {"done": 1, "total": 3, "percent": 33}, // lessons that exist
//	  "race_checked": true,             // false without a C compiler
//	  "next": {"lesson": "01", "name": "01-blocking-chain", "problem": "…",
//	           "commands": ["go test ./lessons/01-blocking-chain/", "go run ./checker 01"]}
//	}
//
// "next" is null when every lesson that exists is done.
type Document struct {
	Lessons     []LessonDoc `json:"lessons"`
	Score       ScoreDoc    `json:"score"`
	RaceChecked bool        `json:"race_checked"`
	Next        *StepDoc    `json:"next"`
}

// LessonDoc is one lesson of Document.
type LessonDoc struct {
	Number     string    `json:"number"`
	Slug       string    `json:"slug"`
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	Underlying string    `json:"underlying_status,omitempty"`
	Passed     int       `json:"passed"`
	Total      int       `json:"total"`
	Problem    string    `json:"problem,omitempty"`
	Changed    []string  `json:"changed_test_files,omitempty"`
	Added      []string  `json:"added_test_files,omitempty"`
	Older      []string  `json:"older_test_files,omitempty"`
	Build      []string  `json:"build_errors,omitempty"`
	Tests      []TestDoc `json:"tests"`
}

// TestDoc is one top-level test of a LessonDoc.
type TestDoc struct {
	Name     string   `json:"name"`
	Status   string   `json:"status"`
	Exercise int      `json:"exercise,omitempty"`
	File     string   `json:"file,omitempty"`
	Line     int      `json:"line,omitempty"`
	Message  string   `json:"message,omitempty"`
	Details  []string `json:"details,omitempty"`
}

// ScoreDoc counts done lessons among those that exist.
type ScoreDoc struct {
	Done    int `json:"done"`
	Total   int `json:"total"`
	Percent int `json:"percent"`
}

// StepDoc is the next thing to do.
type StepDoc struct {
	Lesson   string   `json:"lesson"`
	Name     string   `json:"name"`
	Problem  string   `json:"problem"`
	Commands []string `json:"commands"`
}

// Doc builds the document for entries.
func Doc(entries []Entry, opt Options) Document {
	d := Document{Lessons: []LessonDoc{}, RaceChecked: opt.RaceChecked}
	for _, e := range entries {
		d.Lessons = append(d.Lessons, lessonDoc(e))
	}
	d.Score.Done, d.Score.Total = Score(entries)
	d.Score.Percent = percent(d.Score.Done, d.Score.Total)
	if s := Next(entries); s != nil {
		d.Next = &StepDoc{Lesson: s.Entry.Number, Name: s.Entry.Name(), Problem: s.Problem, Commands: s.Commands}
	}
	return d
}

func lessonDoc(e Entry) LessonDoc {
	l := LessonDoc{Number: e.Number, Slug: e.Slug, Title: e.Title, Status: string(e.Status()), Tests: []TestDoc{}}
	r := e.Result
	if r == nil {
		return l
	}
	l.Underlying = string(r.Underlying)
	l.Passed, l.Total = r.Passed, r.Total
	if r.Status != "done" {
		l.Problem = problem(e)
	}
	l.Changed = r.Diff.Restorable()
	l.Added = r.Diff.Extra
	l.Older = r.Diff.Older
	if r.Build != nil {
		l.Build = r.Build.Details
	}
	for _, t := range r.Tests {
		td := TestDoc{Name: t.Name, Status: string(t.Status), Exercise: t.Exercise, Message: t.Report.Headline, Details: t.Report.Details}
		td.File, td.Line = t.Location()
		l.Tests = append(l.Tests, td)
	}
	return l
}

// JSON writes the document for entries, indented.
func JSON(w io.Writer, entries []Entry, opt Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(Doc(entries, opt))
}
