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
	"github.com/wherewaiting/workshop/checker/internal/recorded"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
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
	if solo.Run != "^TestNeverRuns$" || solo.Timeout != SoloTimeout || !solo.Race || solo.Patterns[0] != "./lessons/05-panic/" {
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
