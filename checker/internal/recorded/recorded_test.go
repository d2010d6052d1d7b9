package recorded

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
)

// TestStreamsAreRecordedFromTheirSources re-records every stream from
// testdata/workshop with -update, and writes the files that changed. A
// file whose events only interleave differently is left as it is. It
// takes about 30 s: lessons 06 and 19 hang until their 20 s timeout.
func TestStreamsAreRecordedFromTheirSources(t *testing.T) {
	if !*Update {
		t.Skip("re-records the streams only with -update")
	}
	goPath, err := gotest.Find()
	if err != nil {
		t.Fatal(err)
	}
	goroot, err := exec.Command(goPath, "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := filepath.Abs(filepath.Join("testdata", "workshop"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := Record(context.Background(), goPath, dir, strings.TrimSpace(string(goroot)))
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range files {
		file := filepath.Join("testdata", "streams", name+".json")
		old, err := os.ReadFile(file)
		if err == nil && bytes.Equal(Grouped(old), Grouped(got)) {
			continue
		}
		t.Logf("%s changed", file)
		if err := os.WriteFile(file, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestEveryStreamIsListedAndStoredNormalised(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "streams"))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk, listed []string
	for _, e := range entries {
		onDisk = append(onDisk, strings.TrimSuffix(e.Name(), ".json"))
		data, err := os.ReadFile(filepath.Join("testdata", "streams", e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if got := Normalize(data, "", ""); !bytes.Equal(got, data) {
			t.Errorf("%s is not normalised; re-record the streams with go test -update", e.Name())
		}
	}
	for _, s := range Streams {
		listed = append(listed, s.File)
		_, test := runs[s.Run]
		if _, vet := vetRuns[s.Run]; !test && !vet {
			t.Errorf("stream %s comes from run %q, which is not defined", s.File, s.Run)
		}
	}
	slices.Sort(onDisk)
	slices.Sort(listed)
	if !slices.Equal(onDisk, listed) {
		t.Errorf("streams on disk %q, listed %q: want the same", onDisk, listed)
	}
}

func TestNormalizeRewritesWhatVariesBetweenRuns(t *testing.T) {
	const dir = "/tmp/build-123/workshop"
	in := `{"Time":"2026-11-28T03:25:50.4Z","Action":"output","Package":"ex/a","Test":"TestX","Output":"goroutine 18 [running]:\n"}
{"Time":"2026-11-28T03:25:50.5Z","Action":"output","Package":"ex/b","Test":"TestY","Output":"goroutine 7 [chan send]:\n"}
{"Time":"2026-11-28T03:25:50.6Z","Action":"output","Package":"ex/a","Test":"TestX","Output":"\t/tmp/build-123/workshop/lessons/a/a.go:9 +0x1f3\n"}
{"Time":"2026-11-28T03:25:50.6Z","Action":"output","Package":"ex/a","Test":"TestX","Output":"created by ex/a.F in goroutine 18\n"}
{"Time":"2026-11-28T03:25:50.6Z","Action":"output","Package":"ex/a","Test":"TestX","Output":"\t/opt/go/src/testing/testing.go:1974 +0x419\n"}
{"Time":"2026-11-28T03:25:50.7Z","Action":"output","Package":"ex/a","Test":"TestX","Output":"--- FAIL: TestX (0.45s)\n"}
{"Time":"2026-11-28T03:25:50.7Z","Action":"output","Package":"ex/a","Test":"TestX","Output":"2026/11/28 03:26:27 cannot load\n"}
{"Time":"2026-11-28T03:25:50.8Z","Action":"output","Package":"ex/a","Output":"FAIL\tex/a\t0.465s\n"}
{"Time":"2026-11-28T03:25:50.8Z","Action":"fail","Package":"ex/a","Elapsed":0.465}
`
	want := `{"Action":"output","Package":"ex/a","Test":"TestX","Output":"goroutine 1 [running]:\n"}
{"Action":"output","Package":"ex/b","Test":"TestY","Output":"goroutine 1 [chan send]:\n"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"\t/home/learner/workshop/lessons/a/a.go:9 +0x0\n"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"created by ex/a.F in goroutine 1\n"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"\t/usr/local/go/src/testing/testing.go:1974 +0x0\n"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"--- FAIL: TestX (0.00s)\n"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"2026/01/02 10:00:00 cannot load\n"}
{"Action":"output","Package":"ex/a","Output":"FAIL\tex/a\t0.000s\n"}
{"Action":"fail","Package":"ex/a","Elapsed":0}
`
	if got := string(Normalize([]byte(in), dir, "/opt/go")); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

func TestGroupedIgnoresOnlyTheInterleaving(t *testing.T) {
	a := []byte("{\"Package\":\"ex/a\",\"Action\":\"run\"}\n{\"Package\":\"ex/b\",\"Action\":\"run\"}\n{\"Package\":\"ex/a\",\"Action\":\"pass\"}\n")
	b := []byte("{\"Package\":\"ex/b\",\"Action\":\"run\"}\n{\"Package\":\"ex/a\",\"Action\":\"run\"}\n{\"Package\":\"ex/a\",\"Action\":\"pass\"}\n")
	c := []byte("{\"Package\":\"ex/b\",\"Action\":\"run\"}\n{\"Package\":\"ex/a\",\"Action\":\"pass\"}\n{\"Package\":\"ex/a\",\"Action\":\"run\"}\n")
	if !bytes.Equal(Grouped(a), Grouped(b)) {
		t.Errorf("two interleavings of the same events: want them equal once grouped")
	}
	if bytes.Equal(Grouped(a), Grouped(c)) {
		t.Errorf("events of one package in another order: want a difference")
	}
}

func TestRunnerPlaysBackTheRunThenEachSoloRun(t *testing.T) {
	r := &Runner{All: "panic", Solo: map[string]string{"TestNeverRuns": "panic-solo-neverruns"}}
	all, _ := r.Run(context.Background(), gotest.Request{}, nil)
	solo, _ := r.Run(context.Background(), gotest.Request{Run: "^TestNeverRuns$"}, nil)
	if all.Package(ImportPath("05-panic")).Test("TestAddCounts") == nil || solo.Package(ImportPath("05-panic")).Test("TestAddCounts") != nil {
		t.Errorf("want the whole run, then the run of TestNeverRuns alone")
	}
	if _, err := r.Run(context.Background(), gotest.Request{Run: "^TestUnrecorded$"}, nil); err == nil {
		t.Errorf("a test with no recorded stream: got no error")
	}
	if len(r.Requests) != 3 {
		t.Errorf("got %d requests, want 3", len(r.Requests))
	}
}
