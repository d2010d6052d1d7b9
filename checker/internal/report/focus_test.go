package report

import (
	"bytes"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
)

// wantFocus checks the whole of Focus's view of e.
func wantFocus(t *testing.T, e Entry, want string) {
	t.Helper()
	var out bytes.Buffer
	Focus(&out, e, Options{RaceChecked: true})
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", &out, want)
	}
}

func TestFocusShowsTheFirstExerciseNotPassingInFullAndTheOthersInALine(t *testing.T) {
	wantFocus(t, entries()[1], "01 · The blocking chain  failing (1 of 3 tests pass)\n"+
		"\n"+
		"  ✓  exercise 1\n"+
		"  ▶  exercise 2: 1 of 1 tests do not pass\n"+
		"  FAIL     TestWaitsAddUp\n"+
		"           test:      lessons/01-blocking-chain/chain_test.go:54\n"+
		"           Error:    Not equal:\n"+
		"                     expected: 2s\n"+
		"                     actual  : 1s\n"+
		"           Messages: the client waited 1s; it should wait 2s\n"+
		"  ✗  exercise 3: 1 of 1 tests do not pass\n")
}

func TestFocusSaysWhyALessonWithChangedTestsIsNotDone(t *testing.T) {
	r := results()[0]
	r.Status, r.Underlying = grade.TestsChanged, grade.Done
	r.Diff = manifest.Diff{Known: true, Changed: []string{"lessons/00-warmup/warmup_test.go"}}
	wantFocus(t, One(r, nil), "00 · Warm-up  tests changed\n"+
		"\n"+
		"Not done: its test files were changed; restore them with `git checkout -- lessons/00-warmup/warmup_test.go` (the checker only counts a lesson with its original tests).\n"+
		"\n"+
		"  ✓  other tests\n")
}

func TestFocusOnALessonNotStartedSaysWhereToBegin(t *testing.T) {
	wantFocus(t, entries()[2], "02 · Deadlines  not started\n"+
		"\n"+
		"Not started yet: read lessons/02-deadlines/README.md, then start at TODO(1) in lessons/02-deadlines/deadlines.go:60.\n"+
		"\n"+
		"  ▶  other tests: 1 of 1 tests do not pass\n"+
		"  FAIL     TestX\n")
	// Graded from its files alone, without running its tests.
	r := *entries()[2].Result
	r.Tests = []grade.Test{{Name: "TestX", Status: grade.NotRun}}
	wantFocus(t, One(r, nil), "02 · Deadlines  not started\n\nNot started yet: read lessons/02-deadlines/README.md.\n\n")
}
