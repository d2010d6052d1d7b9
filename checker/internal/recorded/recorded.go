// Package recorded holds the `go test -json` streams the checker's tests
// read, recorded from the small failing lessons of testdata/workshop (a
// module of its own, out of ./...): a testify failure, a compile error, a
// vet error, a panic, a hang, os.Exit and log.Fatal, data races, goleak
// in one test (with and without the test's own advice) and in TestMain,
// synctest deadlocks, an initialisation that never returns and one that
// panics, a hang whose cause waits for a lock, a panic in a deferred call,
// a subtest whose message comes before the goroutine it leaves behind;
// and the `go vet -json` of a dropped cancel function. The checker's
// verdicts rest on the exact words of the runtime, testing, synctest,
// goleak and the race detector; re-recording the streams with a new Go
// shows what it changed:
//
//	go test ./checker/internal/recorded -update     re-record testdata/streams
//	go test ./checker/internal/report -update       rewrite the golden reports
//	git diff checker/internal                        what changed
//
// Streams are stored normalised (see Normalize), so a re-recording on the
// same Go gives the same files. The package is for tests only.
package recorded

import (
	"bytes"
	"context"
	"embed"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Update is the -update flag of every test binary that imports this
// package: re-record the streams, rewrite golden files.
var Update = flag.Bool("update", false, "re-record go test streams and rewrite golden files instead of comparing with them")

// Root is the module root that recorded paths name: the learner's copy.
const Root = "/home/learner/workshop"

//go:embed testdata/streams/*.json
var streams embed.FS

// Stream parses the recorded stream name (a file of testdata/streams,
// without .json).
func Stream(t testing.TB, name string) *testjson.Run {
	t.Helper()
	run, err := parse(name)
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func parse(name string) (*testjson.Run, error) {
	data, err := streams.ReadFile(path.Join("testdata/streams", name+".json"))
	if err != nil {
		return nil, fmt.Errorf("no recorded stream %q: %v", name, err)
	}
	run, err := testjson.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %v", name, err)
	}
	return run, nil
}

// Package is one lesson's result in a recorded stream; dir is the
// lesson's folder name ("05-panic").
func Package(t testing.TB, name, dir string) *testjson.Package {
	t.Helper()
	p := Stream(t, name).Package(ImportPath(dir))
	if p == nil {
		t.Fatalf("stream %s has no package %s", name, dir)
	}
	return p
}

// ID is the lesson of a recorded folder name ("05-panic").
func ID(dir string) lesson.ID {
	number, slug, _ := strings.Cut(dir, "-")
	return lesson.ID{Number: number, Slug: slug}
}

// Lesson loads a lesson of the fixture workshop (dir "05-panic"), as if it
// lay at Root, where the streams were recorded.
func Lesson(t testing.TB, dir string) *lesson.Lesson {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot find the fixture workshop: no caller information")
	}
	fixture := filepath.Join(filepath.Dir(self), "testdata", "workshop")
	l := lesson.Load(fixture, ID(dir))
	if len(l.Tests) == 0 {
		t.Fatalf("the fixture workshop has no lesson %s", dir)
	}
	l.Root, l.Files = Root, fixture
	return l
}

// ImportPath is the import path of a recorded lesson folder.
func ImportPath(dir string) string { return ID(dir).ImportPath() }

// Runner plays recorded streams back as gotest.Runner does: All for the
// run of every lesson, then Solo[test] for a run of one test alone (-run);
// and as gotest.Vetter does, VetStream for go vet (nothing found when
// empty). It keeps the requests it was given.
type Runner struct {
	All       string
	Solo      map[string]string
	VetStream string

	mu       sync.Mutex
	Requests []gotest.Request
	Vets     []gotest.Request
}

// Run implements gotest.Runner. It may be called from several goroutines
// at once, so it reports a missing stream as an error, not with T.Fatal.
func (r *Runner) Run(ctx context.Context, req gotest.Request, onEvent func(testjson.Event)) (*testjson.Run, error) {
	r.mu.Lock()
	r.Requests = append(r.Requests, req)
	r.mu.Unlock()
	name := r.All
	if req.Run != "" {
		name = r.Solo[strings.Trim(req.Run, "^$")]
	}
	return parse(name)
}

// Vet implements gotest.Vetter.
func (r *Runner) Vet(ctx context.Context, req gotest.Request) (gotest.VetFindings, error) {
	r.mu.Lock()
	r.Vets = append(r.Vets, req)
	r.mu.Unlock()
	if r.VetStream == "" {
		return gotest.VetFindings{}, nil
	}
	data, err := streams.ReadFile(path.Join("testdata/streams", r.VetStream+".json"))
	if err != nil {
		return nil, fmt.Errorf("no recorded stream %q: %v", r.VetStream, err)
	}
	return gotest.ParseVet(bytes.NewReader(data))
}

// Golden compares got with the file testdata/NAME of the calling test's
// package, or, with -update, writes got there.
func Golden(t testing.TB, name string, got []byte) {
	t.Helper()
	file := filepath.Join("testdata", filepath.FromSlash(name))
	if *Update {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (write it with go test -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the code writes now; if the change is meant, run go test -update and read the diff.\ngot:\n%s\nwant:\n%s", file, got, want)
	}
}
