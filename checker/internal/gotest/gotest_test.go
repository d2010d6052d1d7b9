package gotest

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

func TestArgs(t *testing.T) {
	tests := []struct {
		req  Request
		want []string
	}{
		{Request{Patterns: []string{"./lessons/..."}, Race: true, Timeout: 20 * time.Second},
			[]string{"test", "-json", "-race", "-timeout", "20s", "./lessons/..."}},
		{Request{Patterns: []string{"./lessons/01-a/"}, Timeout: 10 * time.Second, Run: "^TestA$"},
			[]string{"test", "-json", "-timeout", "10s", "-run", "^TestA$", "./lessons/01-a/"}},
		{Request{Patterns: []string{"example.com/a", "example.com/b"}, Race: true, Count: 3, Timeout: time.Minute, Overlay: "/home/learner/workshop/overlay.json", Run: "^(TestA)$"},
			[]string{"test", "-json", "-race", "-count=3", "-timeout", "1m0s", "-overlay", "/home/learner/workshop/overlay.json", "-run", "^(TestA)$", "example.com/a", "example.com/b"}},
	}
	for _, tc := range tests {
		got := tc.req.Args()
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Args() = %q, want %q", got, tc.want)
		}
		for _, a := range got {
			if strings.HasPrefix(a, "-count") && tc.req.Count == 0 {
				t.Errorf("Args() = %q: -count would turn test caching off", got)
			}
		}
	}
}

func TestEnvSilencesTheRaceRuntimesExitSleep(t *testing.T) {
	for _, c := range []struct {
		env  []string
		want string
	}{
		{[]string{"HOME=/home/learner"}, "GORACE=atexit_sleep_ms=0"},
		{[]string{"GORACE=halt_on_error=1"}, "GORACE=halt_on_error=1 atexit_sleep_ms=0"},
		{[]string{"GORACE="}, "GORACE=atexit_sleep_ms=0"},
		{[]string{"GORACE=  "}, "GORACE=atexit_sleep_ms=0"},
	} {
		got := env(c.env)
		var gorace []string
		for _, kv := range got {
			if strings.HasPrefix(kv, "GORACE=") {
				gorace = append(gorace, kv)
			}
		}
		if len(gorace) != 1 || gorace[0] != c.want {
			t.Errorf("env %q: got %q, want one %q", c.env, gorace, c.want)
		}
	}
}

func TestRequestEnvSwitchesCgoOffOnlyWhenAsked(t *testing.T) {
	for _, noCgo := range []bool{false, true} {
		got := slices.Contains(Request{NoCgo: noCgo}.Env(), "CGO_ENABLED=0")
		if got != noCgo {
			t.Errorf("NoCgo %v: got CGO_ENABLED=0 %v, want %v", noCgo, got, noCgo)
		}
	}
}

func TestRequestEnvAddsTheRequestsSettingsLast(t *testing.T) {
	t.Setenv("WAITING_TIMELINES", "/elsewhere")
	env := Request{ExtraEnv: []string{"WAITING_TIMELINES=/tmp/pictures"}}.Env()
	// The last setting of a variable wins in os/exec.
	if got := env[len(env)-1]; got != "WAITING_TIMELINES=/tmp/pictures" {
		t.Errorf("got %q last, want the request's own setting", got)
	}
}

// fakeGo writes a stand-in for the go command: a shell script that prints
// what the go command would, then exits with the given status.
func fakeGo(t *testing.T, script string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in go command is a shell script")
	}
	path := filepath.Join(t.TempDir(), "go")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRunPassesTheRequestAndReadsTheStream(t *testing.T) {
	t.Setenv("GORACE", "halt_on_error=1")
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	goPath := fakeGo(t, `echo "args: $*" >&2
echo "dir: $(pwd -P)" >&2
echo "gorace: $GORACE" >&2
echo '{"Action":"run","Package":"example.com/a","Test":"TestA"}'
echo '{"Action":"fail","Package":"example.com/a","Test":"TestA"}'
echo '{"Action":"fail","Package":"example.com/a"}'
exit 1
`)
	var events []string
	req := Request{Patterns: []string{"example.com/a"}, Count: 1, Overlay: "o.json"}
	run, err := Go{Path: goPath, Dir: dir}.Run(context.Background(), req, func(e testjson.Event) {
		events = append(events, e.Action)
	})
	if err != nil {
		t.Fatalf("got error %v, want none: failing tests are not an error", err)
	}
	if want := []string{"run", "fail", "fail"}; !slices.Equal(events, want) {
		t.Errorf("got events %q, want %q", events, want)
	}
	if p := run.Package("example.com/a"); p == nil || p.Status != testjson.Fail {
		t.Errorf("got package %+v, want a failed example.com/a", p)
	}
	stray := strings.Join(run.Stray, "")
	for _, want := range []string{
		"args: test -json -count=1 -overlay o.json example.com/a\n",
		"dir: " + dir + "\n",
		"gorace: halt_on_error=1 atexit_sleep_ms=0\n",
	} {
		if !strings.Contains(stray, want) {
			t.Errorf("got stray output %q, want it to contain %q", stray, want)
		}
	}
}

func TestRunLenientLeavesAFailedGoCommandToTheCaller(t *testing.T) {
	goPath := fakeGo(t, `echo 'go: errors parsing go.mod:' >&2
echo 'go.mod:3: unknown directive: bogus' >&2
exit 1
`)
	req := Request{Patterns: []string{"./..."}}
	if _, err := (Go{Path: goPath}).Run(context.Background(), req, nil); err == nil || !strings.Contains(err.Error(), "unknown directive: bogus") {
		t.Errorf("strict: got error %v, want one quoting the go command", err)
	}
	run, err := Go{Path: goPath, Lenient: true}.Run(context.Background(), req, nil)
	if err != nil {
		t.Fatalf("lenient: got error %v, want none", err)
	}
	if want := []string{"go: errors parsing go.mod:\n", "go.mod:3: unknown directive: bogus\n"}; !slices.Equal(run.Stray, want) {
		t.Errorf("lenient: got stray %q, want %q", run.Stray, want)
	}
}

func TestRunFailsWhenGoCannotStart(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-go-here")
	for _, lenient := range []bool{false, true} {
		_, err := Go{Path: missing, Lenient: lenient}.Run(context.Background(), Request{}, nil)
		if err == nil || !strings.Contains(err.Error(), "go test") {
			t.Errorf("lenient %v: got error %v, want one saying go test could not start", lenient, err)
		}
	}
}

func TestLenientKeepsOnlyErrorsOtherThanTheExitStatus(t *testing.T) {
	if err := lenient(nil); err != nil {
		t.Errorf("no error: got %v, want nil", err)
	}
	if err := lenient(&exec.ExitError{}); err != nil {
		t.Errorf("an exit status: got %v, want nil", err)
	}
	if err := lenient(errors.New("broken pipe")); err == nil || !strings.Contains(err.Error(), "broken pipe") {
		t.Errorf("another error: got %v, want it passed on", err)
	}
}

func parse(t *testing.T, text string) *testjson.Run {
	t.Helper()
	run, err := testjson.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func TestCheck(t *testing.T) {
	exit1 := &exec.ExitError{}
	ok := `{"Action":"pass","Package":"github.com/wherewaiting/workshop/lessons/01-a"}` + "\n"
	tests := []struct {
		name    string
		stream  string
		waitErr error
		noRace  bool
		fails   string // part of the error, "" for none
	}{
		{"tests ran", ok, nil, false, ""},
		{"tests failed", ok, exit1, false, ""},
		{"no cgo", "go: -race requires cgo; enable cgo by setting CGO_ENABLED=1\n", exit1, true, "-race requires cgo"},
		{"broken go.mod", "go: errors parsing go.mod:\ngo.mod:3: unknown directive: bogus\n", exit1, false, "unknown directive: bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(parse(t, tc.stream), tc.waitErr)
			if tc.fails == "" {
				if err != nil {
					t.Errorf("Check() = %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.fails) {
				t.Errorf("Check() = %v, want an error containing %q", err, tc.fails)
			}
			if got := errors.Is(err, ErrNoRace); got != tc.noRace {
				t.Errorf("errors.Is(err, ErrNoRace) = %v, want %v", got, tc.noRace)
			}
		})
	}
}

func TestCheckSpotsAMissingCCompiler(t *testing.T) {
	stream := `{"ImportPath":"runtime/cgo","Action":"build-output","Output":"# runtime/cgo\n"}
{"ImportPath":"runtime/cgo","Action":"build-output","Output":"cgo: C compiler \"gcc\" not found: exec: \"gcc\": executable file not found in $PATH\n"}
{"ImportPath":"runtime/cgo","Action":"build-fail"}
{"Action":"fail","Package":"github.com/wherewaiting/workshop/lessons/01-a","FailedBuild":"runtime/cgo"}
`
	_, err := Check(parse(t, stream), &exec.ExitError{})
	if !errors.Is(err, ErrNoRace) {
		t.Errorf("Check() = %v, want ErrNoRace", err)
	}
}

func TestParseVetReadsEveryPackagesFindings(t *testing.T) {
	const out = `{
	"example.com/w/lessons/02-d": {
		"lostcancel": [{"posn": "/w/lessons/02-d/d.go:10:7", "message": "the cancel function is not used"}]
	}
}
{
	"example.com/w/lessons/02-d [example.com/w/lessons/02-d.test]": {
		"printf": [{"posn": "/w/lessons/02-d/d_test.go:5:2", "message": "wrong verb"}]
	}
}
`
	got, err := ParseVet(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	d := got["example.com/w/lessons/02-d"]
	if len(d["lostcancel"]) != 1 || len(d["printf"]) != 1 {
		t.Errorf("got %+v, want a lostcancel and a printf finding in one package", got)
	}
	if _, err := ParseVet(strings.NewReader("not json")); err == nil {
		t.Errorf("broken output: got no error")
	}
}

// A test binary that never starts its first test is stopped at the start
// limit with SIGQUIT, and the package's output says so: here the stand-in
// go command runs a stand-in binary (sleep, under the test binary's name)
// that would run for a minute. (In the foreground: sh would have a job in
// the background ignore SIGQUIT.)
func TestRunStopsABinaryWhoseTestsNeverStart(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil || runtime.GOOS != "linux" && runtime.GOOS != "darwin" {
		t.Skip("needs sleep and a way to list processes")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, BinaryName("example.com/a"))
	data, err := os.ReadFile(sleep)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	goPath := fakeGo(t, `echo '{"Action":"start","Package":"example.com/a"}'
echo '{"Action":"start","Package":"example.com/b"}'
echo '{"Action":"run","Package":"example.com/b","Test":"TestB"}'
`+bin+` 60
echo '{"Action":"output","Package":"example.com/a","Output":"FAIL\texample.com/a\n"}'
echo '{"Action":"fail","Package":"example.com/a"}'
echo '{"Action":"pass","Package":"example.com/b","Test":"TestB"}'
echo '{"Action":"pass","Package":"example.com/b"}'
exit 1
`)
	start := time.Now()
	run, err := Go{Path: goPath, Dir: dir}.Run(context.Background(), Request{Patterns: []string{"./..."}, StartLimit: 300 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("the run took %v: the stand-in binary was not stopped", took)
	}
	a := run.Package("example.com/a")
	if want := Stopped + " with quit: no test started within 300ms.\n"; a == nil || !slices.Contains(a.Output, want) {
		t.Errorf("package a's output = %q, want it to end with %q", a.Output, want)
	}
	if b := run.Package("example.com/b"); b == nil || slices.ContainsFunc(b.Output, func(s string) bool { return strings.HasPrefix(s, Stopped) }) {
		t.Errorf("package b, whose test started, was stopped: %+v", b)
	}
}

func TestBinaryNameIsTheGoCommands(t *testing.T) {
	want := "03-fan-out.test"
	if runtime.GOOS == "windows" {
		want += ".exe"
	}
	if got := BinaryName("github.com/wherewaiting/workshop/lessons/03-fan-out"); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestStallWatchWaitsOnlyForPackagesWithNoTestStarted(t *testing.T) {
	w := newStallWatch(time.Hour, os.Getpid())
	w.event(testjson.Event{Action: "start", Package: "example.com/a"})
	w.event(testjson.Event{Action: "start", Package: "example.com/b"})
	w.event(testjson.Event{Action: "start", Package: "example.com/c"})
	w.event(testjson.Event{Action: "run", Package: "example.com/a", Test: "TestA"})
	w.event(testjson.Event{Action: "output", Package: "example.com/b", Output: "printed by TestMain\n"})
	w.event(testjson.Event{Action: "fail", Package: "example.com/c"})
	w.mu.Lock()
	var waiting []string
	for pkg := range w.timers {
		waiting = append(waiting, pkg)
	}
	w.mu.Unlock()
	if !slices.Equal(waiting, []string{"example.com/b"}) {
		t.Errorf("waiting for %q, want only example.com/b: a's test started, c ended", waiting)
	}
	if stopped := w.close(); len(stopped) != 0 {
		t.Errorf("stopped %q, want none", stopped)
	}
	w.event(testjson.Event{Action: "start", Package: "example.com/d"})
	if len(w.timers) != 0 {
		t.Errorf("a closed watch still starts timers")
	}
}
