package grade

import (
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/recorded"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// The streams come from package recorded: small lessons written to fail
// in each way, run with go test -json -race, at a learner's root.
const root = recorded.Root

func load(t *testing.T, name string) *testjson.Run { return recorded.Stream(t, name) }

func idOf(dir string) lesson.ID { return recorded.ID(dir) }

// lessonOf is a lesson in dir at the learner's root, with its declared tests.
func lessonOf(dir string, declared []string) *lesson.Lesson {
	return &lesson.Lesson{ID: idOf(dir), Root: root, Tests: declared}
}

// gradeDir grades one recorded lesson as if the manifest knew it and its
// files were untouched but started.
func gradeDir(run *testjson.Run, dir string, declared []string, solo map[string]*testjson.Package) Lesson {
	return Grade(Input{
		Lesson:  lessonOf(dir, declared),
		Package: run.Package(idOf(dir).ImportPath()),
		Solo:    solo,
		Diff:    manifest.Diff{Known: true},
	})
}

type wantTest struct {
	name   string
	status TestStatus
	where  string // learner's file:line, "" for none
}

func TestRecordedStreamsAreClassified(t *testing.T) {
	tests := []struct {
		stream   string
		dir      string
		declared []string
		status   Status
		want     []wantTest
		headline string // a part of the first problem's headline
	}{
		{"pass", "01-pass", nil, Done, []wantTest{
			{"TestWaitReturnsTheDuration", Pass, ""},
			{"TestWaitTakesVirtualTime", Pass, ""},
		}, ""},
		{"fail", "02-fail", nil, Failing, []wantTest{
			{"TestCallWaitsForTheSlowest", Fail, ""},
			{"TestDescribeNamesTheService", Fail, ""},
			{"TestCallOfNothingIsFree", Pass, ""},
		}, "with fan-out it should wait max(1s,2s,3s)"},
		{"compile-error", "03-nocompile", []string{"TestF"}, NoCompile, []wantTest{
			{"TestF", NotRun, ""},
		}, ""},
		{"vet-error", "04-vet", []string{"TestSay"}, NoCompile, []wantTest{
			{"TestSay", NotRun, ""},
		}, ""},
		{"panic", "05-panic", []string{"TestFirstPasses", "TestAddCounts", "TestNeverRuns"}, Crashed, []wantTest{
			{"TestFirstPasses", Pass, ""},
			{"TestAddCounts", Crash, "lessons/05-panic/p.go:9"},
			{"TestNeverRuns", NotRun, ""},
		}, "assignment to entry in nil map"},
		{"hang", "06-hang", []string{"TestIncDoesNotDeadlock", "TestAfterTheHang"}, Hangs, []wantTest{
			{"TestIncDoesNotDeadlock", Hang, "lessons/06-hang/h.go:21"},
			{"TestAfterTheHang", NotRun, ""},
		}, "sync.Mutex.Lock"},
		{"exit0", "07-exit", []string{"TestQuitReturns", "TestAfterExit"}, Crashed, []wantTest{
			{"TestQuitReturns", Crash, "lessons/07-exit/e.go:7"},
			{"TestAfterExit", NotRun, ""},
		}, "os.Exit"},
		{"exit1", "13-exitone", []string{"TestSkipped", "TestLoadReturns", "TestAfterExit"}, Crashed, []wantTest{
			{"TestSkipped", Skip, ""},
			{"TestLoadReturns", Crash, ""},
			{"TestAfterExit", NotRun, ""},
		}, "without a verdict"},
		{"race", "08-race", nil, Races, []wantTest{
			{"TestCountIsSafe", Race, "lessons/08-race/r.go:14"},
			{"TestOther", Pass, ""},
		}, "races with"},
		{"leak", "09-leak", nil, Leaks, []wantTest{
			{"TestFetchReturnsTheValue", Pass, ""},
			{"TestFetchDoesNotLeakWhenItGivesUp", Leak, "lessons/09-leak/l.go:10"},
		}, "Fetch.func1 is blocked in chan send"},
		{"bubble-leak", "11-bubbleleak", []string{"TestFetchReturnsTheValue", "TestFetchGivesUpAtTheDeadline", "TestLater"}, Crashed, []wantTest{
			{"TestFetchReturnsTheValue", Pass, ""},
			{"TestFetchGivesUpAtTheDeadline", Leak, "lessons/11-bubbleleak/l.go:10"},
			{"TestLater", NotRun, ""},
		}, "still blocked"},
		{"bubble-blocked", "12-bubbleblocked", []string{"TestNextGetsAValue", "TestAfter"}, Hangs, []wantTest{
			{"TestNextGetsAValue", Hang, "lessons/12-bubbleblocked/b.go:11"},
			{"TestAfter", NotRun, ""},
		}, "every goroutine in the test's bubble is blocked"},
	}
	for _, tc := range tests {
		t.Run(tc.stream, func(t *testing.T) {
			got := gradeDir(load(t, tc.stream), tc.dir, tc.declared, nil)
			checkLesson(t, got, tc.status, tc.want)
			if tc.headline != "" {
				p := got.FirstProblem()
				if p == nil {
					t.Fatalf("FirstProblem() = nil, want a test whose headline has %q", tc.headline)
				}
				if !strings.Contains(p.Report.Headline, tc.headline) {
					t.Errorf("headline of %s = %q, want it to contain %q", p.Name, p.Report.Headline, tc.headline)
				}
			}
		})
	}
}

func checkLesson(t *testing.T, got Lesson, status Status, want []wantTest) {
	t.Helper()
	if got.Status != status {
		t.Errorf("lesson status = %q, want %q", got.Status, status)
	}
	if len(got.Tests) != len(want) {
		t.Fatalf("got %d tests %v, want %d", len(got.Tests), got.Tests, len(want))
	}
	passed := 0
	for i, w := range want {
		g := got.Tests[i]
		if g.Name != w.name || g.Status != w.status {
			t.Errorf("test %d = %s %s, want %s %s", i, g.Name, g.Status, w.name, w.status)
		}
		where := ""
		if g.Report.Where != nil {
			where = g.Report.Where.Location()
		}
		if where != w.where {
			t.Errorf("%s: learner's line = %q, want %q", g.Name, where, w.where)
		}
		if w.status.OK() {
			passed++
		}
	}
	if got.Passed != passed || got.Total != len(want) {
		t.Errorf("passed/total = %d/%d, want %d/%d", got.Passed, got.Total, passed, len(want))
	}
}

func TestBuildFailuresPointAtTheLearnersLine(t *testing.T) {
	tests := []struct {
		stream, dir string
		kind        failure.Kind
		where       string
		headline    string
		problem     string
	}{
		{"compile-error", "03-nocompile", failure.Compile, "lessons/03-nocompile/x.go:6", "undefined: undefinedThing", "it does not compile: "},
		{"vet-error", "04-vet", failure.Vet, "lessons/04-vet/v.go:8", "fmt.Sprintf format %d has arg name of wrong type string",
			"go vet, which go test runs before the tests, stops them: "},
	}
	for _, tc := range tests {
		t.Run(tc.stream, func(t *testing.T) {
			got := gradeDir(load(t, tc.stream), tc.dir, nil, nil)
			if got.Build == nil {
				t.Fatal("Build = nil, want the compiler's report")
			}
			if got.Build.Kind != tc.kind {
				t.Errorf("kind = %q, want %q", got.Build.Kind, tc.kind)
			}
			if got.Build.Where == nil || got.Build.Where.Location() != tc.where {
				t.Errorf("where = %v, want %s", got.Build.Where, tc.where)
			}
			if got.Build.Headline != tc.headline {
				t.Errorf("headline = %q, want %q", got.Build.Headline, tc.headline)
			}
			if want := tc.problem + tc.where + ": " + tc.headline; got.Problem() != want {
				t.Errorf("Problem() = %q, want %q", got.Problem(), want)
			}
		})
	}
}

func TestVerifyTestMainLeakIsAPackageFailure(t *testing.T) {
	got := gradeDir(load(t, "leak-testmain"), "10-leakmain", nil, nil)
	checkLesson(t, got, Leaks, []wantTest{
		{"TestFetchReturnsTheValue", Pass, ""},
		{"TestFetchGivesUp", Pass, ""},
	})
	if got.Package == nil || got.Package.Kind != failure.Leak {
		t.Fatalf("Package = %+v, want a leak report", got.Package)
	}
	if w := got.Package.Where; w == nil || w.Location() != "lessons/10-leakmain/l.go:10" {
		t.Errorf("Package.Where = %v, want lessons/10-leakmain/l.go:10", w)
	}
}

func TestSoloRunsNameTheLeakingTest(t *testing.T) {
	run := load(t, "leak-testmain")
	l := idOf("10-leakmain")
	solo := map[string]*testjson.Package{
		"TestFetchReturnsTheValue": load(t, "leak-testmain-solo-value").Package(l.ImportPath()),
		"TestFetchGivesUp":         load(t, "leak-testmain-solo-givesup").Package(l.ImportPath()),
	}
	got := gradeDir(run, "10-leakmain", nil, solo)
	checkLesson(t, got, Leaks, []wantTest{
		{"TestFetchReturnsTheValue", Pass, ""},
		{"TestFetchGivesUp", Leak, "lessons/10-leakmain/l.go:10"},
	})
	if got.Package != nil {
		t.Errorf("Package = %+v, want nil once a test is blamed", got.Package)
	}
}

func TestSoloRunGivesTheTestsAfterACrashTheirVerdict(t *testing.T) {
	l := idOf("05-panic")
	solo := map[string]*testjson.Package{
		"TestNeverRuns": load(t, "panic-solo-neverruns").Package(l.ImportPath()),
	}
	got := gradeDir(load(t, "panic"), "05-panic", []string{"TestFirstPasses", "TestAddCounts", "TestNeverRuns"}, solo)
	checkLesson(t, got, Crashed, []wantTest{
		{"TestFirstPasses", Pass, ""},
		{"TestAddCounts", Crash, "lessons/05-panic/p.go:9"},
		{"TestNeverRuns", Pass, ""},
	})
}

func TestInterleavedPackagesAreGroupedAndClassified(t *testing.T) {
	run := load(t, "interleaved")
	want := map[string]Status{
		"01-pass":          Done,
		"02-fail":          Failing,
		"03-nocompile":     NoCompile,
		"04-vet":           NoCompile,
		"05-panic":         Crashed,
		"06-hang":          Hangs,
		"07-exit":          Crashed,
		"08-race":          Races,
		"09-leak":          Leaks,
		"10-leakmain":      Leaks,
		"11-bubbleleak":    Leaks,
		"12-bubbleblocked": Hangs,
		"14-raceboth":      Races,
		"15-inithang":      Hangs,
		"16-leakadvice":    Leaks,
		"17-lostcancel":    Done, // go test's own vet has no lostcancel
		"18-initpanic":     Crashed,
		"19-lockhang":      Hangs,
		"20-deferpanic":    Crashed,
		"21-subtestleak":   Leaks,
	}
	if len(run.Packages) != len(want) {
		t.Errorf("got %d packages, want %d", len(run.Packages), len(want))
	}
	for dir, status := range want {
		got := gradeDir(run, dir, nil, nil)
		if got.Status != status {
			t.Errorf("%s: status = %q, want %q", dir, got.Status, status)
		}
	}
}

func TestManifestDecidesTestsChangedAndNotStarted(t *testing.T) {
	run := load(t, "fail")
	l := lessonOf("02-fail", nil)
	tests := []struct {
		name       string
		diff       manifest.Diff
		status     Status
		underlying Status
	}{
		{"started", manifest.Diff{Known: true}, Failing, ""},
		{"untouched starter", manifest.Diff{Known: true, StarterUntouched: true}, NotStarted, Failing},
		{"changed test", manifest.Diff{Known: true, Changed: []string{"lessons/02-fail/chain_test.go"}}, TestsChanged, Failing},
		{"extra test", manifest.Diff{Known: true, Extra: []string{"lessons/02-fail/mine_test.go"}}, TestsChanged, Failing},
		{"unknown lesson", manifest.Diff{}, Failing, ""},
		{"older release", manifest.Diff{Known: true, Older: []string{"lessons/02-fail/chain_test.go"}}, OlderVersion, Failing},
		{"older release, edited", manifest.Diff{Known: true, Older: []string{"lessons/02-fail/a_test.go"}, Changed: []string{"lessons/02-fail/chain_test.go"}}, TestsChanged, Failing},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Grade(Input{Lesson: l, Package: run.Package(l.ImportPath()), Diff: tc.diff})
			if got.Status != tc.status || got.Underlying != tc.underlying {
				t.Errorf("status = %q (underlying %q), want %q (%q)", got.Status, got.Underlying, tc.status, tc.underlying)
			}
		})
	}
}

func TestChangedTestsNeverCountAsDone(t *testing.T) {
	run := load(t, "pass")
	l := lessonOf("01-pass", nil)
	diff := manifest.Diff{Known: true, Changed: []string{"lessons/01-pass/pass_test.go"}}
	got := Grade(Input{Lesson: l, Package: run.Package(l.ImportPath()), Diff: diff})
	if got.Status != TestsChanged || got.Underlying != Done {
		t.Fatalf("status = %q (underlying %q), want %q (%q)", got.Status, got.Underlying, TestsChanged, Done)
	}
	if want := "git checkout -- lessons/01-pass/pass_test.go"; !strings.Contains(got.Problem(), want) {
		t.Errorf("Problem() = %q, want it to contain %q", got.Problem(), want)
	}
}

func TestFirstProblemPrefersTheLowestExercise(t *testing.T) {
	l := Lesson{Tests: []Test{
		{Name: "TestA", Status: Pass, Exercise: 1},
		{Name: "TestB", Status: Fail, Exercise: 3},
		{Name: "TestC", Status: Leak, Exercise: 2},
		{Name: "TestD", Status: Fail},
	}}
	if got := l.FirstProblem(); got == nil || got.Name != "TestC" {
		t.Errorf("FirstProblem() = %v, want TestC", got)
	}
}

func TestAssertionKeepsTheTestifyMessageAndDiff(t *testing.T) {
	got := gradeDir(load(t, "fail"), "02-fail", nil, nil)
	second := got.Tests[1]
	text := strings.Join(second.Report.Details, "\n")
	for _, want := range []string{"Error:    Not equal:", "Diff:", `- Name: (string) (len=7) "service",`, "Messages: Describe should name the service and its waits"} {
		if !strings.Contains(text, want) {
			t.Errorf("details lack %q; got:\n%s", want, text)
		}
	}
	for _, noise := range []string{"Error Trace", "Test:", "/home/learner"} {
		if strings.Contains(text, noise) {
			t.Errorf("details keep noise %q; got:\n%s", noise, text)
		}
	}
	if f, line := second.Location(); f != "lessons/02-fail/chain_test.go" || line != 26 {
		t.Errorf("Location() = %s:%d, want lessons/02-fail/chain_test.go:26", f, line)
	}
}

func TestARaceNamesBothOfTheLearnersLines(t *testing.T) {
	got := gradeDir(load(t, "race-both-lines"), "14-raceboth", nil, nil)
	checkLesson(t, got, Races, []wantTest{{"TestTotalWhileVisiting", Race, "lessons/14-raceboth/c.go:21"}})
	r := got.Tests[0].Report
	if len(r.Also) != 1 || r.Also[0].Location() != "lessons/14-raceboth/c.go:15" || r.Also[0].Func != "(*Counter).Visit" {
		t.Errorf("Also = %+v, want Visit's write at lessons/14-raceboth/c.go:15: the lock is there, and the read lacks it", r.Also)
	}
	if r.Where.Func != "(*Counter).Total" {
		t.Errorf("Where = %+v, want Total's read", r.Where)
	}
}

func TestAnInitialisationThatNeverReturnsHangsBeforeAnyTest(t *testing.T) {
	tests := []string{"TestReady", "TestNeverStarts"}
	got := gradeDir(load(t, "init-hang"), "15-inithang", tests, nil)
	checkLesson(t, got, Hangs, []wantTest{{"TestReady", NotRun, ""}, {"TestNeverStarts", NotRun, ""}})
	p := got.Package
	if p == nil || p.Kind != failure.StartHang {
		t.Fatalf("Package = %+v, want a hang before the tests", p)
	}
	if p.Where == nil || p.Where.Location() != "lessons/15-inithang/i.go:14" || p.Where.Func != "warmUp" {
		t.Errorf("Where = %+v, want warmUp's sleep at lessons/15-inithang/i.go:14", p.Where)
	}
	for _, want := range []string{"no test started: the package's initialisation never returned", "warmUp is blocked in sleep at lessons/15-inithang/i.go:14"} {
		if !strings.Contains(got.Problem(), want) {
			t.Errorf("Problem() = %q, want it to contain %q", got.Problem(), want)
		}
	}
	if d := strings.Join(p.Details, "\n"); !strings.Contains(d, "the test binary was stopped: no test started within 10s.") {
		t.Errorf("Details = %s\nwant the limit it was stopped at", d)
	}
	if !got.StoppedBeforeTests() {
		t.Errorf("StoppedBeforeTests() = false, want true")
	}
}

func TestAPanicInTheInitialisationCrashesBeforeAnyTest(t *testing.T) {
	got := gradeDir(load(t, "init-panic"), "18-initpanic", []string{"TestLimit", "TestAfter"}, nil)
	checkLesson(t, got, Crashed, []wantTest{{"TestLimit", NotRun, ""}, {"TestAfter", NotRun, ""}})
	want := "the package panicked before any test started: panic: the limit must be positive (in positive at lessons/18-initpanic/p.go:9)"
	if got.Problem() != want {
		t.Errorf("Problem() = %q, want %q", got.Problem(), want)
	}
}

func TestALeakKeepsTheTestsOwnAdvice(t *testing.T) {
	got := gradeDir(load(t, "leak-advice"), "16-leakadvice", nil, nil)
	checkLesson(t, got, Leaks, []wantTest{{"TestStopEndsTheWorker", Leak, "lessons/16-leakadvice/w.go:17"}})
	r := got.Tests[0].Report
	if want := "Stop returned, but the worker is still waiting for work nobody will send: close the quit channel in Stop. goleak found:"; r.Advice != want {
		t.Errorf("Advice = %q, want %q", r.Advice, want)
	}
	if !strings.Contains(r.Headline, "(*Worker).loop is blocked in chan receive") {
		t.Errorf("Headline = %q, want the goroutine", r.Headline)
	}
}

func TestALockNeverReleasedIsExplained(t *testing.T) {
	got := gradeDir(load(t, "hang"), "06-hang", []string{"TestIncDoesNotDeadlock", "TestAfterTheHang"}, nil)
	d := strings.Join(got.Tests[0].Report.Details, "\n")
	for _, want := range []string{"some path locked it and did not unlock it", "a sync.Mutex is not reentrant"} {
		if !strings.Contains(d, want) {
			t.Errorf("details:\n%s\nwant them to contain %q", d, want)
		}
	}
}

func TestAVetFindingKeepsALessonFromDone(t *testing.T) {
	got := gradeDir(load(t, "lostcancel"), "17-lostcancel", nil, nil)
	if got.Status != Done {
		t.Fatalf("before vet: %q, want %q", got.Status, Done)
	}
	vet := []VetFinding{{Analyzer: "lostcancel", Message: "the cancel function … should be called", Where: failure.Frame{File: "lessons/17-lostcancel/f.go", Line: 12}}}
	got = got.WithVet(vet)
	if got.Status != VetFails || got.Problem() != "go vet: lessons/17-lostcancel/f.go:12: the cancel function … should be called (lostcancel)" {
		t.Errorf("with vet: %q, %q", got.Status, got.Problem())
	}
	failing := gradeDir(load(t, "fail"), "02-fail", nil, nil).WithVet(vet)
	if failing.Status != Failing || len(failing.Vet) != 1 {
		t.Errorf("a failing lesson with a finding: %q with %d findings, want it still failing, with the finding", failing.Status, len(failing.Vet))
	}
	changed := gradeDir(load(t, "lostcancel"), "17-lostcancel", nil, nil)
	changed.Status, changed.Underlying = TestsChanged, Done
	if changed = changed.WithVet(vet); changed.Status != TestsChanged || changed.Underlying != VetFails {
		t.Errorf("changed tests: %q (%q), want %q (%q)", changed.Status, changed.Underlying, TestsChanged, VetFails)
	}
}

func TestAnUntouchedLessonIsNotStartedWithoutARun(t *testing.T) {
	l := &lesson.Lesson{ID: idOf("02-fail"), Root: root, Tests: []string{"TestA", "TestB"}}
	got := Untouched(l, manifest.Diff{Known: true, StarterUntouched: true})
	if got.Status != NotStarted || got.Underlying != TestsNotRun || got.Ran() || got.Total != 2 {
		t.Errorf("got %q (%q), ran %v, total %d; want not started, tests not run, 2 tests", got.Status, got.Underlying, got.Ran(), got.Total)
	}
	for _, tr := range got.Tests {
		if tr.Status != NotRun {
			t.Errorf("%s: %q, want %q", tr.Name, tr.Status, NotRun)
		}
	}
}

func TestASubtestsMessageIsKeptBesideTheGoroutineItLeftBehind(t *testing.T) {
	got := gradeDir(load(t, "subtest-leak"), "21-subtestleak", nil, nil)
	checkLesson(t, got, Leaks, []wantTest{{"TestLookupRefusesALimitBelowOne", Leak, "lessons/21-subtestleak/lookup.go:9"}})
	tr := got.Tests[0]
	if want := "Lookup with limit 0 was still running after 1m0s: check the limit before anything else, and panic"; tr.Report.Advice != want {
		t.Errorf("Advice = %q, want %q: the test's own words, printed by the subtest after its parent's report", tr.Report.Advice, want)
	}
	if want := "TestLookupRefusesALimitBelowOne/limit_0"; tr.Subtest != want {
		t.Errorf("Subtest = %q, want %q", tr.Subtest, want)
	}
	if p := got.Problem(); !strings.HasPrefix(p, "TestLookupRefusesALimitBelowOne/limit_0 leaks a goroutine: ") {
		t.Errorf("Problem() = %q, want it to name the subtest", p)
	}
}

func TestAHangLeadsWithTheGoroutineThatWaitsForALock(t *testing.T) {
	got := gradeDir(load(t, "lock-hang"), "19-lockhang", nil, nil)
	checkLesson(t, got, Hangs, []wantTest{{"TestPutReachesGet", Hang, "lessons/19-lockhang/box.go:30"}})
	r := got.Tests[0].Report
	if !strings.Contains(r.Headline, "(*Box).Put is blocked in sync.Mutex.Lock at lessons/19-lockhang/box.go:30") {
		t.Errorf("Headline = %q, want the goroutine that waits for the lock, not the one in a select", r.Headline)
	}
	if len(r.Details) == 0 || !strings.Contains(r.Details[0], "some path locked it and did not unlock it") {
		t.Errorf("Details = %q, want the lock's advice first", r.Details)
	}
	if d := strings.Join(r.Details, "\n"); !strings.Contains(d, "blocked in select") {
		t.Errorf("Details:\n%s\nwant the lock's holder, waiting in its select, listed too", d)
	}
}

func TestAPanicInADeferredCallNamesTheDefer(t *testing.T) {
	l := recorded.Lesson(t, "20-deferpanic")
	got := Grade(Input{Lesson: l, Package: load(t, "defer-panic").Package(l.ImportPath()), Diff: manifest.Diff{Known: true}})
	checkLesson(t, got, Crashed, []wantTest{{"TestFeedSendsEveryValue", Crash, "lessons/20-deferpanic/feed.go:9"}})
	r := got.Tests[0].Report
	if want := "a deferred call panicked (the defer is at line 9): panic: close of closed channel (in Feed.func1 at lessons/20-deferpanic/feed.go:9)"; r.Headline != want {
		t.Errorf("Headline = %q, want %q", r.Headline, want)
	}
	if d := strings.Join(r.Details, "\n"); !strings.Contains(d, "lessons/20-deferpanic/feed.go:14, the closing brace of Feed.func1: deferred calls run there") {
		t.Errorf("Details:\n%s\nwant why the stack names the closing brace", d)
	}
	// Without the source, the line the stack names stays.
	got = gradeDir(load(t, "defer-panic"), "20-deferpanic", nil, nil)
	if w := got.Tests[0].Report.Where; w == nil || w.Line != 14 {
		t.Errorf("without the source: Where = %v, want line 14", w)
	}
}
