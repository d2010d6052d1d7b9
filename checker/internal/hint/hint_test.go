package hint

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

const readme = `# 03 · Fan-out

## Exercises

1. Ask in parallel. ` + "`TestA`" + `
2. Cancel the rest. ` + "`TestB`, `TestC`" + `
3. Bound it. ` + "`TestD`" + `

## Hints

<details><summary>Exercise 1, a nudge</summary>

Goroutines.

</details>

<details>
<summary>Exercise 1: nearly the answer</summary>

` + "```go\ng.Go(func() error {\n\treturn nil\n})\n```" + `

</details>

<details><summary>Exercise 2</summary>Which context?</details>

<details><summary>A general remark</summary>

Not an exercise's.

</details>

## The three questions
`

// fanOut writes a lesson with the README above into a new workshop.
func fanOut(t *testing.T) *Lesson {
	t.Helper()
	root := testkit.Tree(t, map[string]string{"lessons/03-fan-out/README.md": readme})
	hl, err := Load(lesson.Load(root, lesson.ID{Number: "03", Slug: "fan-out"}))
	if err != nil {
		t.Fatal(err)
	}
	return hl
}

func TestHintsAreTheFoldsThatNameAnExercise(t *testing.T) {
	hl := fanOut(t)
	want := []Hint{
		{Exercise: 1, Level: 1, Label: "a nudge", Text: "Goroutines."},
		{Exercise: 1, Level: 2, Label: "nearly the answer", Text: "    g.Go(func() error {\n        return nil\n    })"},
		{Exercise: 2, Level: 1, Label: "", Text: "Which context?"},
	}
	if !reflect.DeepEqual(hl.Hints, want) {
		t.Errorf("hints:\n got %+v\nwant %+v", hl.Hints, want)
	}
	if !reflect.DeepEqual(hl.Unnamed, []string{"A general remark"}) {
		t.Errorf("unnamed = %q, want the block that names no exercise", hl.Unnamed)
	}
	if !reflect.DeepEqual(hl.Exercises, []int{1, 2, 3}) {
		t.Errorf("exercises = %v, want the README's 1, 2, 3", hl.Exercises)
	}
}

func TestWithoutALevelTheFirstHintNotSeenIsShown(t *testing.T) {
	hl := fanOut(t)
	seen := Open(t.TempDir(), "/copy")
	var levels []int
	for range 3 {
		h, _, err := hl.Pick(1, 0, seen)
		if err != nil {
			t.Fatal(err)
		}
		levels = append(levels, h.Level)
		seen.Mark(hl.Name(), 1, h.Level)
	}
	if !reflect.DeepEqual(levels, []int{1, 2, 2}) {
		t.Errorf("three asks showed levels %v, want 1, 2, then the last again", levels)
	}
	if _, again, _ := hl.Pick(1, 0, seen); !again {
		t.Error("with every level seen, Pick did not say it shows the last again")
	}
}

func TestALevelAskedForIsShownWhateverWasSeen(t *testing.T) {
	hl := fanOut(t)
	seen := Open(t.TempDir(), "/copy")
	seen.Mark(hl.Name(), 1, 1)
	seen.Mark(hl.Name(), 1, 2)
	if h, again, err := hl.Pick(1, 1, seen); err != nil || h.Level != 1 || again {
		t.Errorf("Pick(1, 1) = level %d, again %v, %v; want level 1", h.Level, again, err)
	}
	seen = Open(t.TempDir(), "/copy")
	if h, _, _ := hl.Pick(1, 2, seen); h.Level != 2 {
		t.Errorf("Pick(1, 2) with nothing seen = level %d, want 2", h.Level)
	}
}

func TestUnknownExercisesAndLevelsAreErrorsThatSayWhatExists(t *testing.T) {
	hl := fanOut(t)
	seen := Open(t.TempDir(), "/copy")
	for _, tc := range []struct {
		exercise, level int
		want            string
	}{
		{7, 0, "lesson 03 has exercises 1 to 3; there is no exercise 7"},
		{1, 3, "exercise 1 of lesson 03 has hints 1 to 2; there is no hint 3"},
		{2, 2, "exercise 2 of lesson 03 has only hint 1; there is no hint 2"},
		{3, 0, "exercise 3 of lesson 03 has no hints in lessons/03-fan-out/README.md"},
	} {
		if _, _, err := hl.Pick(tc.exercise, tc.level, seen); err == nil || err.Error() != tc.want {
			t.Errorf("Pick(%d, %d) = %v, want %q", tc.exercise, tc.level, err, tc.want)
		}
	}
}

func TestShowWritesTheHintAndTheNextStep(t *testing.T) {
	hl := fanOut(t)
	seen := Open(t.TempDir(), "/copy")
	var out bytes.Buffer
	if err := hl.Show(&out, 1, 0, "You are on exercise 1: TestA fails.", seen); err != nil {
		t.Fatal(err)
	}
	want := "03 · Fan-out · exercise 1 · hint 1 of 2 (a nudge)\n" +
		"You are on exercise 1: TestA fails.\n" +
		"\n" +
		"Goroutines.\n" +
		"\n" +
		"Still stuck? The next hint you have not seen, 2 of 2 (nearly the answer):\n" +
		"  go run ./checker hint 03 1\n" +
		"One hint again: go run ./checker hint 03 1 LEVEL (1 to 2).\n"
	if out.String() != want {
		t.Errorf("Show wrote\n%s\nwant\n%s", &out, want)
	}
	out.Reset()
	if err := hl.Show(&out, 1, 0, "", seen); err != nil {
		t.Fatal(err)
	}
	testkit.Contains(t, out.String(), "hint 2 of 2 (nearly the answer)\n", "That was the last hint of exercise 1.\n",
		"A finished version of the lesson is in solutions/03-fan-out/.\n")
	out.Reset()
	hl.Show(&out, 1, 0, "", seen)
	testkit.Contains(t, out.String(), "You have seen all 2 hints of exercise 1; this was the last one again.\n")
}

func TestTheExerciseTheLearnerIsOnIsTheFirstWithATestNotPassing(t *testing.T) {
	hl := fanOut(t)
	r := grade.Lesson{Status: grade.Failing, Tests: []grade.Test{
		{Name: "TestA", Status: grade.Pass, Exercise: 1},
		{Name: "TestC", Status: grade.Leak, Exercise: 2},
		{Name: "TestD", Status: grade.Fail, Exercise: 3},
	}}
	n, why, err := hl.Current(r)
	if n != 2 || err != nil || why != "You are on exercise 2: TestC leaks a goroutine." {
		t.Errorf("Current = %d, %q, %v; want exercise 2, and why", n, why, err)
	}
	r.Status = grade.NotStarted
	if n, why, _ := hl.Current(r); n != 1 || !strings.Contains(why, "not started") {
		t.Errorf("Current of a lesson not started = %d, %q; want exercise 1", n, why)
	}
}

func TestWhenNoExerciseIsTheLearnersTheErrorSaysWhy(t *testing.T) {
	hl := fanOut(t)
	for _, tc := range []struct {
		r    grade.Lesson
		want string
	}{
		{grade.Lesson{Status: grade.Done}, "03 · Fan-out is done"},
		{grade.Lesson{Status: grade.NoCompile, Build: &failure.Report{}}, "does not compile, so which exercise you are on is not known yet"},
		{grade.Lesson{Status: grade.Failing, Tests: []grade.Test{{Name: "TestZ", Status: grade.Fail}}}, "TestZ fails, and no exercise of the README names it"},
		{grade.Lesson{Status: grade.Leaks, Tests: []grade.Test{{Name: "TestA", Status: grade.Pass, Exercise: 1}}, Package: &failure.Report{Headline: "a goroutine outlived the tests"}}, "every test of 03 · Fan-out passes, yet it is not done: a goroutine outlived the tests"},
	} {
		if n, _, err := hl.Current(tc.r); n != 0 || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Current(%s) = %d, %v; want an error saying %q", tc.r.Status, n, err, tc.want)
		}
	}
}

func TestWhatWasSeenIsKeptPerCopyOfTheWorkshop(t *testing.T) {
	dir := t.TempDir()
	a := Open(dir, "/home/ana/workshop")
	a.Mark("03-fan-out", 2, 1)
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	if !Open(dir, "/home/ana/workshop").Has("03-fan-out", 2, 1) {
		t.Error("a saved record did not come back when opened again")
	}
	if Open(dir, "/home/ana/second-copy").Has("03-fan-out", 2, 1) {
		t.Error("another copy of the workshop shares the record of the first")
	}
	if filepath.Dir(a.Path()) != dir {
		t.Errorf("the record is kept in %s, want it in %s", a.Path(), dir)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the state folder holds %d files, want only the record (no temporary file left)", len(entries))
	}
}

func TestABrokenRecordCountsAsNothingSeen(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir, "/copy")
	if err := os.WriteFile(s.Path(), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = Open(dir, "/copy")
	if s.Has("03-fan-out", 1, 1) {
		t.Error("a broken record says a hint was seen")
	}
	s.Mark("03-fan-out", 1, 1)
	if err := s.Save(); err != nil {
		t.Errorf("a broken record could not be replaced: %v", err)
	}
}

func TestWithoutACacheFolderNothingIsKeptAndSavingSaysSo(t *testing.T) {
	s := Open("", "/copy")
	s.Mark("03-fan-out", 1, 1)
	if !s.Has("03-fan-out", 1, 1) {
		t.Error("a record kept nowhere forgot a mark at once")
	}
	if err := s.Save(); err == nil {
		t.Error("Save of a record with no folder returned nil, want an error to warn the learner")
	}
}

func TestLevelsAreLabelledByTheirPlaceNotByTheREADMEsWords(t *testing.T) {
	for _, tc := range []struct {
		label     string
		level, of int
		want      string
	}{
		{"a nudge", 1, 5, " (a nudge)"},
		{"more", 2, 5, " (closer)"},
		{"nearly the answer", 3, 5, " (closer)"}, // two more follow
		{"whose limit ran out", 4, 5, " (whose limit ran out)"},
		{"nearly the answer", 3, 3, " (nearly the answer)"},
		{"more", 3, 3, " (nearly the answer)"},
		{"", 2, 3, ""},
	} {
		if got := labelled(Hint{Level: tc.level, Label: tc.label}, tc.of); got != tc.want {
			t.Errorf("level %d of %d labelled %q in the README: %q, want %q", tc.level, tc.of, tc.label, got, tc.want)
		}
	}
}
