package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/progress"
	"github.com/wherewaiting/workshop/checker/internal/repo"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

func TestUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		err  string
	}{
		{[]string{"-h"}, exitOK, "Usage:"},
		{[]string{"-bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"01", "02"}, exitUsage, "one lesson at a time"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("run(%q) = %d, want %d", tc.args, code, tc.code)
		}
		if !strings.Contains(stderr.String(), tc.err) {
			t.Errorf("run(%q) printed %q, want %q", tc.args, stderr.String(), tc.err)
		}
	}
}

func TestUnknownLessonIsAUsageError(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"42"}, &stdout, &stderr); code != exitUsage {
		t.Errorf("run(42) = %d, want %d; stderr: %s", code, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), `unknown lesson "42"`) {
		t.Errorf("stderr = %q, want it to name the unknown lesson", stderr.String())
	}
}

func TestFlagsMayFollowTheCommand(t *testing.T) {
	for _, args := range [][]string{{"-json", "01"}, {"01", "-json"}} {
		var stderr bytes.Buffer
		fs := flag.NewFlagSet("checker", flag.ContinueOnError)
		fs.SetOutput(&stderr)
		json := fs.Bool("json", false, "")
		got, err := parseAnywhere(fs, args)
		if err != nil || !reflect.DeepEqual(got, []string{"01"}) || !*json {
			t.Errorf("parseAnywhere(%q) = %q, %v (json %v), want [01], nil (json true)", args, got, err, *json)
		}
	}
}

// recordedRunner plays back streams recorded for the grade package: the
// run of every lesson, then one stream per test run alone.
type recordedRunner struct {
	t    *testing.T
	all  string
	solo map[string]string // test name → stream
	mu   sync.Mutex
	runs []gotest.Request
}

func (r *recordedRunner) Run(ctx context.Context, req gotest.Request, onEvent func(testjson.Event)) (*testjson.Run, error) {
	r.mu.Lock()
	r.runs = append(r.runs, req)
	r.mu.Unlock()
	name := r.all
	if req.Run != "" {
		name = r.solo[strings.Trim(req.Run, "^$")]
	}
	f, err := os.Open(filepath.Join("internal", "grade", "testdata", name+".json"))
	if err != nil {
		r.t.Error(err)
		return nil, err
	}
	defer f.Close()
	return testjson.Parse(f)
}

func TestACrashedLessonIsRerunTestByTest(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "lessons", "05-panic")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package panicky\n\nimport \"testing\"\n\nfunc TestFirstPasses(t *testing.T) {}\nfunc TestAddCounts(t *testing.T) {}\nfunc TestNeverRuns(t *testing.T) {}\n"
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &recordedRunner{t: t, all: "panic", solo: map[string]string{"TestNeverRuns": "panic-solo-neverruns"}}
	g := grader{
		ws:     workshop{root: root},
		runner: r,
		race:   true,
		bar:    progress.Start(&bytes.Buffer{}, false, "testing", 1),
	}
	lessons := []repo.Lesson{{Number: "05", Slug: "panic"}}
	got, err := g.grade(context.Background(), lessons, "./lessons/...", manifest.New(), manifest.New())
	if err != nil {
		t.Fatal(err)
	}
	if len(r.runs) != 2 {
		t.Fatalf("%d go test runs, want 2 (all lessons, then TestNeverRuns alone): %+v", len(r.runs), r.runs)
	}
	if solo := r.runs[1]; solo.Run != "^TestNeverRuns$" || solo.Timeout != soloTimeout || !solo.Race || solo.Patterns[0] != "./lessons/05-panic/" {
		t.Errorf("solo run = %+v", solo)
	}
	var statuses []grade.TestStatus
	for _, tr := range got[0].Tests {
		statuses = append(statuses, tr.Status)
	}
	if want := []grade.TestStatus{grade.Pass, grade.Crash, grade.Pass}; !reflect.DeepEqual(statuses, want) {
		t.Errorf("test verdicts = %v, want %v", statuses, want)
	}
	if got[0].Status != grade.Crashed {
		t.Errorf("lesson = %q, want %q", got[0].Status, grade.Crashed)
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
		root := t.TempDir()
		dir := filepath.Join(root, "lessons", "04-vet")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		r := &vetRunner{builds: builds}
		g := grader{ws: workshop{root: root}, runner: r, race: true, bar: progress.Start(&bytes.Buffer{}, false, "testing", 1)}
		got, err := g.grade(context.Background(), []repo.Lesson{{Number: "04", Slug: "vet"}}, "./lessons/...", manifest.New(), manifest.New())
		if err != nil {
			t.Fatal(err)
		}
		if len(r.runs) != 2 || !r.runs[1].NoVet || r.runs[1].Run != "^$" {
			t.Fatalf("runs = %+v, want the lessons, then this lesson again with -vet=off and no test", r.runs)
		}
		want := failure.Compile
		if builds {
			want = failure.Vet
		}
		if got[0].Status != grade.NoCompile || got[0].Build == nil || got[0].Build.Kind != want {
			t.Errorf("builds without vet = %v: got status %q, build %+v; want %q of kind %q", builds, got[0].Status, got[0].Build, grade.NoCompile, want)
		}
	}
}
