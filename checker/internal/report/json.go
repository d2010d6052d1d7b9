package report

import (
	"encoding/json"
	"io"

	"github.com/wherewaiting/workshop/checker/internal/grade"
)

// Document is what `go run ./checker -json` prints: one JSON object about
// the whole workshop.
//
//	{
//	  "scope": "workshop",
//	  "lessons": [{
//	    "number": "01",                 // always two digits
//	    "slug": "blocking-chain",
//	    "title": "The blocking chain",
//	    "status": "failing",            // done | failing | does not compile | hangs | leaks | races |
//	                                    // crashed | fails go vet | tests changed | older version |
//	                                    // not started | coming soon
//	    "underlying_status": "failing", // with "tests changed", "older version" or "not started": what the
//	                                    // tests said, or "not run" when the checker did not run them
//	    "passed": 3, "total": 5,        // top-level tests; absent when the tests were not run
//	    "problem": "TestX fails: …",    // one sentence; absent when done
//	    "commands": ["go test -race ./lessons/01-blocking-chain/", "go run ./checker 01"], // absent when done
//	    "changed_test_files": ["lessons/01-blocking-chain/chain_test.go"], // changed or deleted
//	    "added_test_files": [],
//	    "older_test_files": [],         // as an earlier release shipped them: pull
//	    "build_errors": ["lessons/01-blocking-chain/chain.go:12:5: undefined: x"],
//	    "vet": [{"analyzer": "lostcancel", "file": "lessons/01-blocking-chain/chain.go", "line": 70,
//	             "message": "the cancel function returned by context.WithTimeout should be called, …"}],
//	    "tests": [{
//	      "name": "TestX",
//	      "status": "fail",             // pass | fail | leak | race | hang | crash | not run | skip
//	      "exercise": 2,                // from the README; absent if unknown
//	      "file": "lessons/01-blocking-chain/chain.go", // learner's line if known, else the test's
//	      "line": 42,
//	      "also": [{"file": "lessons/01-blocking-chain/chain.go", "line": 50, "function": "(*S).Total"}],
//	      "message": "the client waited 6s; …",  // one sentence
//	      "advice": "…",                // what the test said, when a leak, hang or crash is the message
//	      "details": ["Error:    Not equal:", "…"]
//	    }]
//	  }],
//	  "score": {"done": 1, "total": 3, "percent": 33}, // lessons that exist
//	  "race_checked": true,             // false without a C compiler
//	  "next": {"lesson": "01", "name": "01-blocking-chain", "problem": "…",
//	           "commands": ["go test -race ./lessons/01-blocking-chain/", "go run ./checker 01"]}
//	}
//
// "next" is null when every lesson that exists is done. Commands are those
// that work in the folder the checker ran in.
type Document struct {
	Scope       string      `json:"scope"` // "workshop"
	Lessons     []LessonDoc `json:"lessons"`
	Score       ScoreDoc    `json:"score"`
	RaceChecked bool        `json:"race_checked"`
	Next        *StepDoc    `json:"next"`
}

// LessonDocument is what `go run ./checker -json NN` prints: the same
// lesson object, with scope "lesson" and no score or next step, which
// belong to the whole workshop.
type LessonDocument struct {
	Scope       string      `json:"scope"` // "lesson"
	Lessons     []LessonDoc `json:"lessons"`
	RaceChecked bool        `json:"race_checked"`
}

// LessonDoc is one lesson of Document.
type LessonDoc struct {
	Number     string    `json:"number"`
	Slug       string    `json:"slug"`
	Title      string    `json:"title"`
	Status     string    `json:"status"`
	Underlying string    `json:"underlying_status,omitempty"`
	Passed     *int      `json:"passed,omitempty"`
	Total      *int      `json:"total,omitempty"`
	Problem    string    `json:"problem,omitempty"`
	Commands   []string  `json:"commands,omitempty"`
	Changed    []string  `json:"changed_test_files,omitempty"`
	Added      []string  `json:"added_test_files,omitempty"`
	Older      []string  `json:"older_test_files,omitempty"`
	Build      []string  `json:"build_errors,omitempty"`
	Vet        []VetDoc  `json:"vet,omitempty"`
	Tests      []TestDoc `json:"tests"`
}

// VetDoc is one finding of the full go vet.
type VetDoc struct {
	Analyzer string `json:"analyzer,omitempty"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
}

// TestDoc is one top-level test of a LessonDoc.
type TestDoc struct {
	Name     string     `json:"name"`
	Status   string     `json:"status"`
	Exercise int        `json:"exercise,omitempty"`
	Subtest  string     `json:"subtest,omitempty"`
	File     string     `json:"file,omitempty"`
	Line     int        `json:"line,omitempty"`
	Also     []FrameDoc `json:"also,omitempty"`
	Message  string     `json:"message,omitempty"`
	Advice   string     `json:"advice,omitempty"`
	Details  []string   `json:"details,omitempty"`
}

// FrameDoc is a line of the learner's code.
type FrameDoc struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Function string `json:"function,omitempty"`
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
	d := Document{Scope: "workshop", Lessons: []LessonDoc{}, RaceChecked: opt.RaceChecked}
	for _, e := range entries {
		d.Lessons = append(d.Lessons, lessonDoc(e, opt))
	}
	d.Score.Done, d.Score.Total = Score(entries)
	d.Score.Percent = percent(d.Score.Done, d.Score.Total)
	if s := Next(entries, opt); s != nil {
		d.Next = &StepDoc{Lesson: s.Entry.Number, Name: s.Entry.Name(), Problem: s.Problem, Commands: s.Commands}
	}
	return d
}

func lessonDoc(e Entry, opt Options) LessonDoc {
	l := LessonDoc{Number: e.Number, Slug: e.Slug, Title: e.Title, Status: string(e.Status()), Tests: []TestDoc{}}
	r := e.Result
	if r == nil {
		return l
	}
	l.Underlying = string(r.Underlying)
	if r.Ran() {
		l.Passed, l.Total = &r.Passed, &r.Total
	}
	if r.Status != grade.Done {
		l.Problem = problem(e, opt)
		l.Commands = Commands(e, opt)
	}
	l.Changed = r.Diff.Restorable()
	l.Added = r.Diff.Extra
	l.Older = r.Diff.Older
	if r.Build != nil {
		l.Build = r.Build.Details
	}
	for _, v := range r.Vet {
		l.Vet = append(l.Vet, VetDoc{Analyzer: v.Analyzer, File: v.Where.File, Line: v.Where.Line, Message: v.Message})
	}
	for _, t := range r.Tests {
		td := TestDoc{Name: t.Name, Status: string(t.Status), Exercise: t.Exercise, Subtest: t.Subtest, Message: t.Report.Headline, Advice: t.Report.Advice, Details: t.Report.Details}
		td.File, td.Line = t.Location()
		if t.Report.Where != nil {
			for _, f := range t.Report.Also {
				td.Also = append(td.Also, FrameDoc{File: f.File, Line: f.Line, Function: f.Func})
			}
		}
		l.Tests = append(l.Tests, td)
	}
	return l
}

// JSON writes the document for entries, indented.
func JSON(w io.Writer, entries []Entry, opt Options) error {
	return write(w, Doc(entries, opt))
}

// JSONLesson writes the document of one lesson, indented.
func JSONLesson(w io.Writer, e Entry, opt Options) error {
	return write(w, LessonDocument{Scope: "lesson", Lessons: []LessonDoc{lessonDoc(e, opt)}, RaceChecked: opt.RaceChecked})
}

func write(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
