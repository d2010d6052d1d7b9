package grading

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/recorded"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func recordedLesson(dir string, tests ...string) *lesson.Lesson {
	return &lesson.Lesson{ID: recorded.ID(dir), Root: recorded.Root, Tests: tests}
}

func TestACrashedLessonIsRerunTestByTest(t *testing.T) {
	r := &recorded.Runner{All: "panic", Solo: map[string]string{"TestNeverRuns": "panic-solo-neverruns"}}
	l := recordedLesson("05-panic", "TestFirstPasses", "TestAddCounts", "TestNeverRuns")
	got, err := Run(context.Background(), []*lesson.Lesson{l}, Options{Runner: r, Race: true, Count: 1, Overlay: "/tmp/o.json"})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Requests) != 2 {
		t.Fatalf("%d go test runs, want 2 (the lesson, then TestNeverRuns alone): %+v", len(r.Requests), r.Requests)
	}
	solo := r.Requests[1]
	if solo.Run != "^TestNeverRuns$" || solo.Timeout != Timeout || !solo.Race || solo.Patterns[0] != "./lessons/05-panic/" {
		t.Errorf("solo run = %+v", solo)
	}
	if solo.Count != 1 || solo.Overlay != "/tmp/o.json" {
		t.Errorf("solo run = %+v, want the first run's -count and -overlay", solo)
	}
	var statuses []grade.TestStatus
	for _, tr := range got.Lessons[0].Tests {
		statuses = append(statuses, tr.Status)
	}
	if want := []grade.TestStatus{grade.Pass, grade.Crash, grade.Pass}; !slices.Equal(statuses, want) {
		t.Errorf("test verdicts = %v, want %v", statuses, want)
	}
	if got.Lessons[0].Status != grade.Crashed || !got.RaceChecked {
		t.Errorf("lesson = %q, race checked %v; want %q, true", got.Lessons[0].Status, got.RaceChecked, grade.Crashed)
	}
}

// vetRunner fails every build, as go test does when vet or the compiler
// stops it, and answers a run with vet off as builds says.
type vetRunner struct {
	builds bool
	runs   []gotest.Request
}

func (r *vetRunner) Run(ctx context.Context, req gotest.Request, onEvent func(testjson.Event)) (*testjson.Run, error) {
	r.runs = append(r.runs, req)
	const pkg = "github.com/wherewaiting/workshop/lessons/04-vet"
	stream := `{"ImportPath":"` + pkg + `","Action":"build-output","Output":"lessons/04-vet/v.go:8:28: fmt.Sprintf format %d has arg name of wrong type string\n"}
{"ImportPath":"` + pkg + `","Action":"build-fail"}
{"Action":"start","Package":"` + pkg + `"}
{"Action":"fail","Package":"` + pkg + `","FailedBuild":"` + pkg + `"}
`
	if req.NoVet && r.builds {
		stream = `{"Action":"start","Package":"` + pkg + `"}
{"Action":"pass","Package":"` + pkg + `"}
`
	}
	return testjson.Parse(strings.NewReader(stream))
}

func TestABuildStoppedOnlyByVetIsToldApart(t *testing.T) {
	for _, builds := range []bool{true, false} {
		r := &vetRunner{builds: builds}
		got, err := Run(context.Background(), []*lesson.Lesson{recordedLesson("04-vet")}, Options{Runner: r, Race: true, Overlay: "/tmp/o.json"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.runs) != 2 || !r.runs[1].NoVet || r.runs[1].Run != "^$" || r.runs[1].Overlay != "/tmp/o.json" {
			t.Fatalf("runs = %+v, want the lessons, then this lesson again with -vet=off, the same overlay and no test", r.runs)
		}
		want := failure.Compile
		if builds {
			want = failure.Vet
		}
		l := got.Lessons[0]
		if l.Status != grade.NoCompile || l.Build == nil || l.Build.Kind != want {
			t.Errorf("builds without vet = %v: got status %q, build %+v; want %q of kind %q", builds, l.Status, l.Build, grade.NoCompile, want)
		}
	}
}

// noRaceRunner says the race detector is missing, then plays a stream.
type noRaceRunner struct{ reqs []gotest.Request }

func (r *noRaceRunner) Run(ctx context.Context, req gotest.Request, onEvent func(testjson.Event)) (*testjson.Run, error) {
	r.reqs = append(r.reqs, req)
	if req.Race {
		return nil, gotest.ErrNoRace
	}
	return testjson.Parse(strings.NewReader(`{"Action":"run","Package":"github.com/wherewaiting/workshop/lessons/01-pass","Test":"TestA"}
{"Action":"pass","Package":"github.com/wherewaiting/workshop/lessons/01-pass","Test":"TestA"}
{"Action":"pass","Package":"github.com/wherewaiting/workshop/lessons/01-pass"}
`))
}

func TestWithoutARaceDetectorTheLessonsAreGradedAnyway(t *testing.T) {
	r := &noRaceRunner{}
	got, err := Run(context.Background(), []*lesson.Lesson{recordedLesson("01-pass", "TestA")}, Options{Runner: r, Race: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.RaceChecked || len(r.reqs) != 2 || !r.reqs[1].NoCgo || r.reqs[1].Race {
		t.Errorf("race checked %v after runs %+v; want false, after a second run without -race and with cgo off", got.RaceChecked, r.reqs)
	}
	if got.Lessons[0].Status != grade.Done {
		t.Errorf("status %q, want %q", got.Lessons[0].Status, grade.Done)
	}
}

func TestALessonAsShippedIsNotStartedWithoutABuild(t *testing.T) {
	shipped := manifest.New()
	shipped.Tests["lessons/01-pass/wait_test.go"] = "t1"
	shipped.Starters["lessons/01-pass/wait.go"] = "s1"
	shipped.Tests["lessons/02-fail/chain_test.go"] = "t2"
	shipped.Starters["lessons/02-fail/chain.go"] = "s2"
	current := manifest.New()
	current.Tests["lessons/01-pass/wait_test.go"] = "t1"
	current.Starters["lessons/01-pass/wait.go"] = "s1"
	current.Tests["lessons/02-fail/chain_test.go"] = "t2"
	current.Starters["lessons/02-fail/chain.go"] = "edited"
	r := &recorded.Runner{All: "fail"}
	lessons := []*lesson.Lesson{recordedLesson("01-pass", "TestWaitReturnsTheDuration"), recordedLesson("02-fail")}
	got, err := Run(context.Background(), lessons, Options{Runner: r, Race: true, Shipped: shipped, Current: current, SkipUntouched: true, Vet: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Requests) != 1 || !slices.Equal(r.Requests[0].Patterns, []string{"./lessons/02-fail/"}) {
		t.Errorf("go test runs %+v, want one, of the edited lesson only", r.Requests)
	}
	if len(r.Vets) != 1 || !slices.Equal(r.Vets[0].Patterns, []string{"./lessons/02-fail/"}) {
		t.Errorf("go vet runs %+v, want one, of the edited lesson only", r.Vets)
	}
	if l := got.Lessons[0]; l.Status != grade.NotStarted || l.Ran() || l.Total != 1 {
		t.Errorf("the untouched lesson: %q (%q), ran %v, %d tests; want not started, not run, 1 test", l.Status, l.Underlying, l.Ran(), l.Total)
	}
	if l := got.Lessons[1]; l.Status != grade.Failing || !l.Ran() {
		t.Errorf("the edited lesson: %q, ran %v; want failing, run", l.Status, l.Ran())
	}

	// Asked for one lesson in detail, the checker runs it, untouched or not.
	r = &recorded.Runner{All: "pass"}
	got, err = Run(context.Background(), lessons[:1], Options{Runner: r, Race: true, Shipped: shipped, Current: current, Vet: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Requests) != 1 || len(r.Vets) != 0 || !got.Lessons[0].Ran() {
		t.Errorf("without SkipUntouched: %d go test runs, %d go vet runs, ran %v; want 1, 0 (a shipped starter vets clean), true", len(r.Requests), len(r.Vets), got.Lessons[0].Ran())
	}
}

func TestAnInitialisationThatNeverReturnsIsStoppedAndNotRerun(t *testing.T) {
	r := &recorded.Runner{All: "init-hang"}
	got, err := Run(context.Background(), []*lesson.Lesson{recordedLesson("15-inithang", "TestReady", "TestNeverStarts")}, Options{Runner: r, Race: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Requests) != 1 {
		t.Errorf("%d go test runs, want 1: no test started, so none is run again alone", len(r.Requests))
	}
	if r.Requests[0].StartLimit != Timeout || r.Requests[0].Timeout != Timeout {
		t.Errorf("request %+v, want -timeout and the start limit both %v", r.Requests[0], Timeout)
	}
	if l := got.Lessons[0]; l.Status != grade.Hangs || l.Package == nil || l.Package.Kind != failure.StartHang {
		t.Errorf("got %q, package %+v; want a hang before the tests", l.Status, l.Package)
	}
}

func TestTheFullVetKeepsALessonFromDone(t *testing.T) {
	r := &recorded.Runner{All: "lostcancel", VetStream: "vet-lostcancel"}
	got, err := Run(context.Background(), []*lesson.Lesson{recordedLesson("17-lostcancel", "TestFetchReturnsNoError")}, Options{Runner: r, Race: true, Vet: true})
	if err != nil {
		t.Fatal(err)
	}
	l := got.Lessons[0]
	if l.Status != grade.VetFails || len(l.Vet) != 1 {
		t.Fatalf("got %q with %v, want %q with one finding", l.Status, l.Vet, grade.VetFails)
	}
	v := l.Vet[0]
	if v.Analyzer != "lostcancel" || v.Where.Location() != "lessons/17-lostcancel/f.go:12" || !strings.Contains(v.Message, "should be called, not discarded") {
		t.Errorf("finding %+v", v)
	}
	if l.Tests[0].Status != grade.Pass {
		t.Errorf("the test: %q, want it still shown passing", l.Tests[0].Status)
	}
}

func TestHintsPointAtTheExerciseOfTheFaultyLine(t *testing.T) {
	root := testkit.Tree(t, map[string]string{
		"lessons/01-x/a.go": "package x\n\n// TODO(1): first.\nfunc A() {\n\tpanic(1)\n}\n\nfunc B() {\n\t// TODO(2): second.\n\tpanic(2)\n}\n",
	})
	l := &lesson.Lesson{ID: lesson.ID{Number: "01", Slug: "x"}, Root: root}
	at := func(line int) *failure.Frame { return &failure.Frame{File: "lessons/01-x/a.go", Line: line} }
	tests := []struct {
		name string
		g    grade.Lesson
		want int
	}{
		{"the faulty line's exercise, not the test's", grade.Lesson{Tests: []grade.Test{{Status: grade.Crash, Exercise: 1, Report: failure.Report{Where: at(10)}}}}, 2},
		{"no line of the learner's: the test's exercise", grade.Lesson{Tests: []grade.Test{{Status: grade.Fail, Exercise: 3}}}, 3},
		{"a line in a test file says nothing", grade.Lesson{Tests: []grade.Test{{Status: grade.Fail, Exercise: 3, Report: failure.Report{Where: &failure.Frame{File: "lessons/01-x/a_test.go", Line: 4}}}}}, 0},
		{"a build error", grade.Lesson{Build: &failure.Report{Where: at(5)}}, 1},
		{"nothing fails", grade.Lesson{Tests: []grade.Test{{Status: grade.Pass, Exercise: 1}}}, 0},
	}
	for _, tc := range tests {
		if got := hintExercise(l, tc.g); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}
