package verify

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

const pkgA = "github.com/wherewaiting/workshop/lessons/01-a"
const pkgB = "github.com/wherewaiting/workshop/lessons/02-b"

// stream builds a go test -json run from events, through the same parser
// the real runner uses.
func stream(t *testing.T, events ...testjson.Event) *testjson.Run {
	t.Helper()
	p := testjson.NewParser()
	for _, e := range events {
		line, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		p.Line(line)
	}
	return p.Run()
}

func ev(action, pkg, test string) testjson.Event {
	return testjson.Event{Action: action, Package: pkg, Test: test}
}

// fakeRunner answers each go test call with the next scripted run and
// records the arguments it was given.
type fakeRunner struct {
	runs  []*testjson.Run
	calls [][]string
}

func (f *fakeRunner) Run(_ context.Context, req gotest.Request, _ func(testjson.Event)) (*testjson.Run, error) {
	f.calls = append(f.calls, req.Args())
	if len(f.runs) == 0 {
		return &testjson.Run{Packages: map[string]*testjson.Package{}}, nil
	}
	r := f.runs[0]
	f.runs = f.runs[1:]
	return r, nil
}

func TestSettleReRunsTestsThatNeverStartedAfterACrash(t *testing.T) {
	f := &fakeRunner{runs: []*testjson.Run{
		// First run: A1 fails, A2 crashes the binary, A3 never starts.
		// Package B passes.
		stream(t,
			ev("run", pkgA, "TestA1"), ev("fail", pkgA, "TestA1"),
			ev("run", pkgA, "TestA2"),
			ev("fail", pkgA, ""),
			ev("run", pkgB, "TestB1"), ev("pass", pkgB, "TestB1"),
			ev("pass", pkgB, ""),
		),
		// Re-run of A3 alone: it passes.
		stream(t, ev("run", pkgA, "TestA3"), ev("pass", pkgA, "TestA3"), ev("pass", pkgA, "")),
	}}
	want := map[string][]string{pkgA: {"TestA1", "TestA2", "TestA3"}, pkgB: {"TestB1"}}
	outs, err := settle(context.Background(), f, gotest.Request{Race: true}, want, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 2 {
		t.Fatalf("got %d go test runs, want 2: %q", len(f.calls), f.calls)
	}
	if got, want := f.calls[0], []string{"test", "-json", "-race", pkgA, pkgB}; !slices.Equal(got, want) {
		t.Errorf("first run: got args %q, want %q", got, want)
	}
	if got, want := f.calls[1], []string{"test", "-json", "-race", "-run", "^(TestA3)$", pkgA}; !slices.Equal(got, want) {
		t.Errorf("re-run: got args %q, want %q", got, want)
	}
	for _, c := range []struct {
		pkg, test string
		want      verdict
	}{
		{pkgA, "TestA1", failed},
		{pkgA, "TestA2", crashed},
		{pkgA, "TestA3", passed},
		{pkgB, "TestB1", passed},
	} {
		if got := outs[c.pkg].Verdicts[c.test]; got != c.want {
			t.Errorf("%s: got %v, want %v", c.test, got, c.want)
		}
	}
}

func TestSettleRestrictsTheFirstRunToTheWantedTests(t *testing.T) {
	f := &fakeRunner{runs: []*testjson.Run{stream(t,
		ev("run", pkgA, "TestX"), ev("fail", pkgA, "TestX"), ev("fail", pkgA, ""),
		ev("run", pkgB, "TestY"), ev("fail", pkgB, "TestY"), ev("fail", pkgB, ""),
	)}}
	want := map[string][]string{pkgA: {"TestX"}, pkgB: {"TestY", "TestX"}}
	if _, err := settle(context.Background(), f, gotest.Request{}, want, true); err != nil {
		t.Fatal(err)
	}
	if got, want := f.calls[0], []string{"test", "-json", "-run", "^(TestX|TestY)$", pkgA, pkgB}; !slices.Equal(got, want) {
		t.Errorf("got args %q, want %q", got, want)
	}
}

func TestSettleStopsWhenAReRunGainsNothing(t *testing.T) {
	// A test that does not exist never starts, however often it is asked
	// for: settle must not loop.
	f := &fakeRunner{runs: []*testjson.Run{
		stream(t, ev("run", pkgA, "TestA1"), ev("pass", pkgA, "TestA1"), ev("pass", pkgA, "")),
		stream(t, ev("pass", pkgA, "")),
		stream(t, ev("pass", pkgA, "")),
	}}
	outs, err := settle(context.Background(), f, gotest.Request{}, map[string][]string{pkgA: {"TestA1", "TestGhost"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 2 {
		t.Errorf("got %d go test runs, want 2 (one re-run, which gains nothing)", len(f.calls))
	}
	if got := outs[pkgA].Verdicts["TestGhost"]; got != notRun {
		t.Errorf("TestGhost: got %v, want %v", got, notRun)
	}
}

func TestSettleDoesNotReRunAPackageThatDidNotBuild(t *testing.T) {
	f := &fakeRunner{runs: []*testjson.Run{stream(t,
		testjson.Event{Action: "build-output", ImportPath: pkgA + " [" + pkgA + ".test]", Output: "./x.go:1:1: boom\n"},
		testjson.Event{Action: "fail", Package: pkgA, FailedBuild: pkgA + " [" + pkgA + ".test]"},
	)}}
	outs, err := settle(context.Background(), f, gotest.Request{}, map[string][]string{pkgA: {"TestA1"}}, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.calls) != 1 {
		t.Errorf("got %d go test runs, want 1", len(f.calls))
	}
	if !outs[pkgA].buildFailed() {
		t.Errorf("got buildFailed false, want true")
	}
}

func TestVerdictOf(t *testing.T) {
	r := stream(t,
		ev("run", pkgA, "TestPass"), ev("pass", pkgA, "TestPass"),
		ev("run", pkgA, "TestFail"), ev("fail", pkgA, "TestFail"),
		ev("run", pkgA, "TestSkip"), ev("skip", pkgA, "TestSkip"),
		ev("run", pkgA, "TestFlaky"), ev("pass", pkgA, "TestFlaky"),
		ev("run", pkgA, "TestFlaky"), ev("fail", pkgA, "TestFlaky"),
		ev("run", pkgA, "TestFailsLast"), ev("fail", pkgA, "TestFailsLast"),
		ev("run", pkgA, "TestFailsLast"), ev("pass", pkgA, "TestFailsLast"),
		ev("run", pkgA, "TestDiesSecond"), ev("fail", pkgA, "TestDiesSecond"),
		ev("run", pkgA, "TestDiesSecond"),
		ev("run", pkgA, "TestHang"),
	)
	p := r.Package(pkgA)
	for name, want := range map[string]verdict{
		"TestPass": passed, "TestFail": failed, "TestSkip": skipped,
		"TestHang": crashed, "TestNever": notRun, "TestFlaky": flaky,
		"TestFailsLast": flaky, "TestDiesSecond": crashed,
	} {
		if got := verdictOf(p, name); got != want {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	if verdictOf(nil, "TestPass") != notRun {
		t.Errorf("a missing package: got a verdict, want %v", notRun)
	}
}

func TestTimedOutSeesTheTimeoutPanic(t *testing.T) {
	r := stream(t,
		ev("run", pkgA, "TestHang"),
		testjson.Event{Action: "output", Package: pkgA, Test: "TestHang", Output: "panic: test timed out after 1m0s\n"},
		ev("fail", pkgA, ""),
		ev("run", pkgB, "TestPanic"),
		testjson.Event{Action: "output", Package: pkgB, Test: "TestPanic", Output: "panic: boom\n"},
	)
	if !timedOut(r.Package(pkgA)) {
		t.Errorf("package A: got timedOut false, want true")
	}
	if timedOut(r.Package(pkgB)) {
		t.Errorf("package B: got timedOut true, want false")
	}
}

func TestPackageProblemsLetsOnlyASupportTestSkip(t *testing.T) {
	r := stream(t,
		ev("run", pkgA, "TestA"), ev("pass", pkgA, "TestA"),
		ev("run", pkgA, "TestOnlyWithUpdate"), ev("skip", pkgA, "TestOnlyWithUpdate"),
		ev("pass", pkgA, ""),
	)
	pm := newPathMapper("/w", nil)
	if p := packageProblems(r.Package(pkgA), nil, pm); len(p) != 0 {
		t.Errorf("a support package: got %q, want no problem", p)
	}
	if p := packageProblems(r.Package(pkgA), []string{"TestA", "TestOnlyWithUpdate"}, pm); len(p) == 0 {
		t.Errorf("a lesson: got no problem, want the skipped test named")
	}
}
