package verify

import (
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
)

func TestVetProblemsNamesWhatGoVetDidReport(t *testing.T) {
	m := &mistake{Lesson: &lesson.Lesson{ID: lesson.ID{Number: "02", Slug: "d"}}, Caught: []catch{{Vet: "lostcancel"}}}
	found := []grade.VetFinding{{Analyzer: "printf", Message: "wrong verb"}}
	if got := strings.Join(vetProblems(m, found), "\n"); got != "go vet reports no lostcancel finding (it reports printf)" {
		t.Errorf("got %q", got)
	}
	found = append(found, grade.VetFinding{Analyzer: "lostcancel", Message: "cancel dropped"})
	if got := vetProblems(m, found); len(got) != 0 {
		t.Errorf("got %q, want no problem", got)
	}
	if got := vetProblems(m, []grade.VetFinding{{Message: "go vet could not check this lesson: exit status 2"}}); len(got) != 1 || !strings.Contains(got[0], "exit status 2") {
		t.Errorf("a failed go vet: got %q, want its error", got)
	}
}

func TestMistakeProblemsComparesTheLearnersVerdicts(t *testing.T) {
	l := &lesson.Lesson{ID: lesson.ID{Number: "01", Slug: "echo"}}
	m := &mistake{Lesson: l, Name: "x", Caught: []catch{
		{Test: "TestA", Verdict: grade.Leak}, {Test: "TestB", Verdict: grade.Fail}, {Test: "TestC", Verdict: grade.Race}, {Test: "TestD", Verdict: grade.Fail},
	}}
	g := grade.Lesson{Tests: []grade.Test{
		{Name: "TestA", Status: grade.Leak},
		{Name: "TestB", Status: grade.Pass},
		{Name: "TestC", Status: grade.Fail, Report: failure.Report{Headline: "want 3, got 2"}},
	}}
	got := strings.Join(mistakeProblems(m, g, newPathMapper("/w", nil)), "\n")
	for _, want := range []string{
		"TestB passed with the mistake applied; it does not catch it (solutions/01-echo/testdata/mistakes/x)",
		`TestC: a learner sees "fail", the header says "race": want 3, got 2`,
		"TestD got no verdict",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("got\n%s\nwant %q", got, want)
		}
	}
	if strings.Contains(got, "TestA") {
		t.Errorf("TestA leaks as its header says; got a problem:\n%s", got)
	}

	vetOnly := &mistake{Lesson: l, Caught: []catch{{Vet: "printf"}}}
	stopped := grade.Lesson{Build: &failure.Report{Kind: failure.Vet}}
	if p := mistakeProblems(vetOnly, stopped, newPathMapper("/w", nil)); len(p) != 0 {
		t.Errorf("go test's vet stops a mistake that names only go vet: got %q, want no problem", p)
	}
	if p := mistakeProblems(m, stopped, newPathMapper("/w", nil)); len(p) == 0 || !strings.Contains(p[0], "go vet, which go test runs first, stops it") {
		t.Errorf("go test's vet stops a mistake that names tests: got %q", p)
	}
}
