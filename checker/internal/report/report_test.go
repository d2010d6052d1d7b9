package report

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func results() []grade.Lesson {
	return []grade.Lesson{
		{
			Lesson: lesson.ID{Number: "00", Slug: "warmup"}, Title: "Warm-up", Status: grade.Done,
			Passed: 2, Total: 2, Diff: manifest.Diff{Known: true},
			Tests: []grade.Test{{Name: "TestA", Status: grade.Pass}, {Name: "TestB", Status: grade.Pass}},
		},
		{
			Lesson: lesson.ID{Number: "01", Slug: "blocking-chain"}, Title: "The blocking chain", Status: grade.Failing,
			Passed: 1, Total: 3, Diff: manifest.Diff{Known: true}, Hint: 2,
			Tests: []grade.Test{
				{Name: "TestFirst", Status: grade.Pass, Exercise: 1},
				{Name: "TestWaitsAddUp", Status: grade.Fail, Exercise: 2, Report: failure.Report{
					Kind:     failure.Assertion,
					Headline: "the client waited 1s; it should wait 2s",
					Details:  []string{"Error:    Not equal:", "          expected: 2s", "          actual  : 1s", "Messages: the client waited 1s; it should wait 2s"},
					TestLine: &failure.Frame{File: "lessons/01-blocking-chain/chain_test.go", Line: 54},
				}},
				{Name: "TestNoLeak", Status: grade.Leak, Exercise: 3, Report: failure.Report{
					Kind:     failure.Leak,
					Headline: "a goroutine was still running when the test ended",
					Where:    &failure.Frame{Func: "Call.func1", File: "lessons/01-blocking-chain/chain.go", Line: 42},
				}},
			},
		},
		{
			Lesson: lesson.ID{Number: "02", Slug: "deadlines"}, Title: "Deadlines", Status: grade.NotStarted, Underlying: grade.Failing,
			Passed: 0, Total: 1, Diff: manifest.Diff{Known: true, StarterUntouched: true},
			Tests: []grade.Test{{Name: "TestX", Status: grade.Fail}},
		},
	}
}

func entries() []Entry {
	return Entries(results(), map[string]*lessonsrc.TODO{
		"02-deadlines": {Exercise: 1, File: "deadlines.go", Line: 60},
	})
}

func TestEntriesCoverTheWholeArc(t *testing.T) {
	es := entries()
	if len(es) != len(lesson.Arc) {
		t.Fatalf("got %d entries, want %d", len(es), len(lesson.Arc))
	}
	for i, e := range es {
		if e.Number != lesson.Arc[i].Number {
			t.Errorf("entry %d is %s, want %s", i, e.Number, lesson.Arc[i].Number)
		}
		if exists := i < 3; (e.Result != nil) != exists {
			t.Errorf("entry %s: has result %v, want %v", e.Number, e.Result != nil, exists)
		}
	}
	if got := es[5].Status(); got != grade.ComingSoon {
		t.Errorf("status of a lesson not written = %q, want %q", got, grade.ComingSoon)
	}
}

func TestSummary(t *testing.T) {
	var out bytes.Buffer
	Summary(&out, entries(), Options{RaceChecked: true})
	got := out.String()
	testkit.Contains(t, got,
		"  00  Warm-up             done\n",
		"  01  The blocking chain  failing (1 of 3 tests pass)\n",
		"  02  Deadlines           not started\n",
		"  11  Capstone            coming soon\n",
		"1 of 3 lessons done (33%)",
		"Next: 01 · The blocking chain: TestWaitsAddUp fails: the client waited 1s; it should wait 2s\n",
		"  go test -race ./lessons/01-blocking-chain/\n",
		"  go run ./checker 01\n",
	)
	if strings.Contains(got, "\x1b[") {
		t.Errorf("summary has colour codes without Color:\n%q", got)
	}
	if strings.Contains(got, "races were not checked") {
		t.Errorf("summary warns about races although they were checked")
	}
}

func TestSummaryColoursAndRaceWarning(t *testing.T) {
	var out bytes.Buffer
	Summary(&out, entries(), Options{Color: true, RaceChecked: false})
	got := out.String()
	if !strings.Contains(got, green+"done"+ansi.Reset) {
		t.Errorf("done is not green:\n%q", got)
	}
	if strings.Count(got, "races were not checked") != 1 {
		t.Errorf("want the race warning once:\n%s", got)
	}
}

func TestNextSaysWhereToStart(t *testing.T) {
	es := entries()
	es[1].Result.Status = grade.Done
	step := Next(es, Options{RaceChecked: true})
	if step == nil || step.Entry.Number != "02" {
		t.Fatalf("Next = %+v, want lesson 02", step)
	}
	want := "not started yet: read lessons/02-deadlines/README.md, then start at TODO(1) in lessons/02-deadlines/deadlines.go:60"
	if step.Problem != want {
		t.Errorf("problem = %q, want %q", step.Problem, want)
	}
	es[2].Result.Status = grade.Done
	if step := Next(es, Options{RaceChecked: true}); step != nil {
		t.Errorf("Next = %+v, want nil when every lesson is done", step)
	}
}

func TestTheLastWordCountsTheLessonsStillToCome(t *testing.T) {
	es := entries()
	es[1].Result.Status, es[2].Result.Status = grade.Done, grade.Done
	var out bytes.Buffer
	writeNext(&out, painter(false), nil, es)
	if want := "Well done! Every lesson written so far is done; 9 more are coming soon.\n"; out.String() != want {
		t.Errorf("with 9 to come: %q, want %q", out.String(), want)
	}
	for i := range es[3 : len(es)-1] {
		es[3+i].Result = &grade.Lesson{Status: grade.Done}
	}
	out.Reset()
	writeNext(&out, painter(false), nil, es)
	if want := "Well done! Every lesson written so far is done; 1 more is coming soon.\n"; out.String() != want {
		t.Errorf("with 1 to come: %q, want %q", out.String(), want)
	}
}

func TestDetail(t *testing.T) {
	var out bytes.Buffer
	Detail(&out, entries()[1], Options{RaceChecked: true, All: true})
	got := out.String()
	testkit.Contains(t, got,
		"01 · The blocking chain  failing (1 of 3 tests pass)\n",
		"  pass     TestFirst       exercise 1\n",
		"  FAIL     TestWaitsAddUp  exercise 2\n",
		"test:      lessons/01-blocking-chain/chain_test.go:54\n",
		"expected: 2s\n",
		"  LEAK     TestNoLeak      exercise 3\n",
		"your code: lessons/01-blocking-chain/chain.go:42 (Call.func1)\n",
		"Stuck on exercise 2? go run ./checker hint 01 2\n",
		"Next: TestWaitsAddUp fails",
		"go test -race ./lessons/01-blocking-chain/\n",
		"go run ./checker 01\n",
	)
	// The headline is testify's message: it is shown once, not twice.
	if n := strings.Count(got, "the client waited 1s; it should wait 2s"); n != 2 {
		t.Errorf("message shown %d times (want in the failure and in Next):\n%s", n, got)
	}
}

func TestDetailOfChangedTests(t *testing.T) {
	l := results()[0]
	l.Status, l.Underlying = grade.TestsChanged, grade.Done
	l.Diff = manifest.Diff{Known: true, Changed: []string{"lessons/00-warmup/a_test.go"}, Extra: []string{"lessons/00-warmup/mine_test.go"}}
	var out bytes.Buffer
	Detail(&out, Entries([]grade.Lesson{l}, nil)[0], Options{RaceChecked: true})
	got := out.String()
	testkit.Contains(t, got,
		"changed  lessons/00-warmup/a_test.go",
		"added    lessons/00-warmup/mine_test.go",
		"git checkout -- lessons/00-warmup/a_test.go",
	)
}

func TestDetailOfTestsFromAnOlderRelease(t *testing.T) {
	l := results()[1]
	l.Status, l.Underlying = grade.OlderVersion, grade.Failing
	l.Diff = manifest.Diff{Known: true, Older: []string{"lessons/01-blocking-chain/chain_test.go"}, Missing: []string{"lessons/01-blocking-chain/pool_test.go"}}
	var out bytes.Buffer
	Detail(&out, Entries([]grade.Lesson{l}, nil)[1], Options{RaceChecked: true})
	got := out.String()
	testkit.Contains(t, got,
		"01 · The blocking chain  older version\n",
		"older    lessons/01-blocking-chain/chain_test.go\n",
		"new      lessons/01-blocking-chain/pool_test.go (not in your copy yet)\n",
		"  git stash\n  git pull\n  git stash pop\n",
		"With the tests as they are now, the lesson is: failing.",
		"Next: its test files are from an older version of the workshop (lessons/01-blocking-chain/chain_test.go): pull",
	)
	if strings.Contains(got, "git checkout") {
		t.Errorf("detail tells to restore files that only need a pull:\n%s", got)
	}
}

func TestJSONFollowsTheDocumentedSchema(t *testing.T) {
	var out bytes.Buffer
	if err := JSON(&out, entries(), Options{RaceChecked: true}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Lessons []struct {
			Number, Slug, Title, Status string
			Passed, Total               int
			Tests                       []struct {
				Name, Status, File, Message string
				Line, Exercise              int
			}
		}
		Score       struct{ Done, Total, Percent int }
		RaceChecked bool `json:"race_checked"`
		Next        *struct {
			Lesson, Name, Problem string
			Commands              []string
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out.String())
	}
	if len(doc.Lessons) != 12 || doc.Lessons[1].Status != "failing" || doc.Lessons[11].Status != "coming soon" {
		t.Errorf("lessons = %+v", doc.Lessons)
	}
	leak := doc.Lessons[1].Tests[2]
	if leak.Status != "leak" || leak.File != "lessons/01-blocking-chain/chain.go" || leak.Line != 42 || leak.Exercise != 3 {
		t.Errorf("leak test = %+v", leak)
	}
	if doc.Score.Done != 1 || doc.Score.Total != 3 || doc.Score.Percent != 33 || !doc.RaceChecked {
		t.Errorf("score = %+v, race_checked = %v", doc.Score, doc.RaceChecked)
	}
	if doc.Next == nil || doc.Next.Lesson != "01" || len(doc.Next.Commands) != 2 {
		t.Errorf("next = %+v", doc.Next)
	}
}

func TestStatusText(t *testing.T) {
	tests := []struct {
		status        grade.Status
		passed, total int
		want          string
	}{
		{grade.Failing, 3, 5, "failing (3 of 5 tests pass)"},
		{grade.Leaks, 4, 5, "leaks (4 of 5 tests pass)"},
		{grade.Hangs, 0, 2, "hangs (0 of 2 tests pass)"},
		{grade.Done, 5, 5, "done"},
		{grade.NoCompile, 0, 5, "does not compile"},
		{grade.TestsChanged, 5, 5, "tests changed"},
		{grade.OlderVersion, 3, 5, "older version"},
	}
	for _, tc := range tests {
		e := Entry{Result: &grade.Lesson{Status: tc.status, Passed: tc.passed, Total: tc.total}}
		if got := StatusText(e); got != tc.want {
			t.Errorf("StatusText(%s %d/%d) = %q, want %q", tc.status, tc.passed, tc.total, got, tc.want)
		}
	}
}

func TestStatusTextCountsVetFindings(t *testing.T) {
	vet := []grade.VetFinding{{Analyzer: "lostcancel"}}
	if got := StatusText(Entry{Result: &grade.Lesson{Status: grade.VetFails, Passed: 2, Total: 2, Vet: vet}}); got != "fails go vet (1 finding)" {
		t.Errorf("got %q", got)
	}
	if got := StatusText(Entry{Result: &grade.Lesson{Status: grade.Failing, Passed: 1, Total: 2, Vet: append(vet, vet...)}}); got != "failing (1 of 2 tests pass, 2 go vet findings)" {
		t.Errorf("got %q", got)
	}
}

func TestCommandsWorkWhereTheCheckerRuns(t *testing.T) {
	e := entries()[1]
	tests := []struct {
		here string
		race bool
		want []string
	}{
		{"", true, []string{"go test -race ./lessons/01-blocking-chain/", "go run ./checker 01"}},
		{"", false, []string{"go test ./lessons/01-blocking-chain/", "go run ./checker 01"}},
		{"lessons/01-blocking-chain", true, []string{"go test -race .", "go tool checker 01"}},
		{"lessons/00-warmup", true, []string{"go test -race ../01-blocking-chain/", "go tool checker 01"}},
		{"lessons", true, []string{"go test -race ./01-blocking-chain/", "go tool checker 01"}},
		{"solutions/01-blocking-chain/testdata", true, []string{"go test -race ../../../lessons/01-blocking-chain/", "go tool checker 01"}},
	}
	if s := Next(entries()[2:], Options{Place: Place{Here: "lessons/01-blocking-chain"}}); s == nil || !strings.Contains(s.Problem, "read ../02-deadlines/README.md, then start at TODO(1) in ../02-deadlines/deadlines.go:60") {
		t.Errorf("from lessons/01-blocking-chain: got %+v, want the files named from there", s)
	}
	for _, tc := range tests {
		got := Commands(e, Options{RaceChecked: tc.race, Place: Place{Here: tc.here}})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("in %q (race %v): got %q, want %q", tc.here, tc.race, got, tc.want)
		}
	}
}

func TestFilesToRestoreAreNamedFromWhereTheCheckerRuns(t *testing.T) {
	l := results()[0]
	l.Status, l.Underlying = grade.TestsChanged, grade.Done
	l.Diff = manifest.Diff{Known: true, Changed: []string{"lessons/00-warmup/a_test.go"}}
	var out bytes.Buffer
	opt := Options{RaceChecked: true, Place: Place{Here: "lessons/00-warmup"}}
	Detail(&out, Entries([]grade.Lesson{l}, nil)[0], opt)
	testkit.Contains(t, out.String(), "  git checkout -- a_test.go\n", "Next: its test files were changed; restore them with `git checkout -- a_test.go`")
	if strings.Contains(out.String(), "Stuck?") {
		t.Errorf("only the tests changed and every test passes: got a hint pointer\n%s", &out)
	}
}

func TestDetailLeadsWithTheExerciseTheLearnerIsOn(t *testing.T) {
	var out bytes.Buffer
	Detail(&out, entries()[1], Options{RaceChecked: true})
	got := out.String()
	testkit.Contains(t, got,
		"  FAIL     TestWaitsAddUp  exercise 2\n           test:      lessons/01-blocking-chain/chain_test.go:54\n",
		"  LEAK     TestNoLeak      exercise 3\n\n",
		"Exercise 2 first: 1 failing test of another exercise is folded (go run ./checker 01 -all shows it in full).\n",
	)
	if strings.Contains(got, "chain.go:42") {
		t.Errorf("the leak of exercise 3 is shown in full:\n%s", got)
	}
}

func TestDetailShowsTheTestsAdviceBothRacingLinesAndVet(t *testing.T) {
	l := grade.Lesson{
		Lesson: lesson.ID{Number: "00", Slug: "warmup"}, Title: "Warm-up", Status: grade.Races, Passed: 1, Total: 2,
		Diff: manifest.Diff{Known: true},
		Tests: []grade.Test{
			{Name: "TestTotal", Status: grade.Race, Exercise: 3, Report: failure.Report{
				Kind: failure.Race, Headline: "a read at v.go:20 races with a write at v.go:14",
				Where: &failure.Frame{Func: "(*Counter).Total", File: "lessons/00-warmup/v.go", Line: 20},
				Also:  []failure.Frame{{Func: "(*Counter).Visit", File: "lessons/00-warmup/v.go", Line: 14}},
			}},
			{Name: "TestSleep", Status: grade.Leak, Exercise: 3, Report: failure.Report{
				Kind: failure.Leak, Headline: "a goroutine was still running when the test ended",
				Advice: "wait in Sleep itself (a timer and a select)",
			}},
		},
		Vet: []grade.VetFinding{{Analyzer: "lostcancel", Message: "the cancel function is not used", Where: failure.Frame{File: "lessons/00-warmup/v.go", Line: 30}}},
	}
	var out bytes.Buffer
	Detail(&out, Entries([]grade.Lesson{l}, nil)[0], Options{RaceChecked: true})
	testkit.Contains(t, out.String(),
		"           your code: lessons/00-warmup/v.go:20 ((*Counter).Total)\n                      lessons/00-warmup/v.go:14 ((*Counter).Visit)\n",
		"           the test says: wait in Sleep itself (a timer and a select)\n",
		"go vet (the full one, which go test does not run) reports:\n  lessons/00-warmup/v.go:30: the cancel function is not used (lostcancel)\n",
		"races (1 of 2 tests pass, 1 go vet finding)",
	)
}

func TestJSONOfOneLessonIsScopedToIt(t *testing.T) {
	var out bytes.Buffer
	if err := JSONLesson(&out, entries()[1], Options{RaceChecked: true}); err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if string(doc["scope"]) != `"lesson"` {
		t.Errorf("scope = %s, want \"lesson\"", doc["scope"])
	}
	for _, field := range []string{"score", "next"} {
		if _, ok := doc[field]; ok {
			t.Errorf("%s is in the document of one lesson: it belongs to the whole workshop\n%s", field, &out)
		}
	}
	testkit.Contains(t, out.String(), `"commands": [`, `"go test -race ./lessons/01-blocking-chain/"`)
}

func TestJSONSaysWhenTheTestsWereNotRun(t *testing.T) {
	l := grade.Untouched(&lesson.Lesson{ID: lesson.ID{Number: "02", Slug: "deadlines"}, Tests: []string{"TestX"}}, manifest.Diff{Known: true, StarterUntouched: true})
	var out bytes.Buffer
	if err := JSON(&out, Entries([]grade.Lesson{l}, nil), Options{RaceChecked: true}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Scope   string
		Lessons []map[string]json.RawMessage
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := doc.Lessons[2]
	if doc.Scope != "workshop" || string(got["status"]) != `"not started"` || string(got["underlying_status"]) != `"not run"` {
		t.Errorf("scope %q, lesson %s", doc.Scope, out.String())
	}
	for _, field := range []string{"passed", "total"} {
		if _, ok := got[field]; ok {
			t.Errorf("%s is given for tests that were not run: %s", field, got[field])
		}
	}
}

func TestVetFindingsTheBuildShowsAreNotRepeated(t *testing.T) {
	l := grade.Lesson{
		Lesson: lesson.ID{Number: "04", Slug: "vet"}, Title: "Vet", Status: grade.NoCompile, Diff: manifest.Diff{Known: true},
		Build: &failure.Report{Kind: failure.Vet, Details: []string{"lessons/04-vet/v.go:8:28: fmt.Sprintf format %d has arg name of wrong type string"}},
		Vet: []grade.VetFinding{
			{Analyzer: "printf", Message: "fmt.Sprintf format %d has arg name of wrong type string", Where: failure.Frame{File: "lessons/04-vet/v.go", Line: 8}},
			{Analyzer: "lostcancel", Message: "the cancel function is not used", Where: failure.Frame{File: "lessons/04-vet/v.go", Line: 12}},
		},
	}
	var out bytes.Buffer
	Detail(&out, Entries([]grade.Lesson{l}, nil)[4], Options{RaceChecked: true})
	got := out.String()
	testkit.Contains(t, got, "reports:\n  lessons/04-vet/v.go:12: the cancel function is not used (lostcancel)\n\n")
	if strings.Contains(got, "(printf)") {
		t.Errorf("the printf finding the build shows is repeated:\n%s", got)
	}
}
