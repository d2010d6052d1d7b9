package rerun

import (
	"context"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/recorded"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

const module = "github.com/wherewaiting/workshop/lessons/"

func TestNeeded(t *testing.T) {
	tests := []struct {
		stream, dir string
		declared    []string
		want        []string
	}{
		{"pass", "01-pass", []string{"TestWaitReturnsTheDuration", "TestWaitTakesVirtualTime"}, nil},
		// Plain failures explain themselves: nothing to run again.
		{"fail", "02-fail", []string{"TestCallWaitsForTheSlowest", "TestDescribeNamesTheService", "TestCallOfNothingIsFree"}, nil},
		{"compile-error", "03-nocompile", []string{"TestF"}, nil},
		{"leak", "09-leak", []string{"TestFetchReturnsTheValue", "TestFetchDoesNotLeakWhenItGivesUp"}, nil},
		{"race", "08-race", []string{"TestCountIsSafe", "TestOther"}, nil},
		// The panicking test has its verdict; the one after never ran.
		{"panic", "05-panic", []string{"TestFirstPasses", "TestAddCounts", "TestNeverRuns"}, []string{"TestNeverRuns"}},
		// The hung test is explained by the timeout's dump.
		{"hang", "06-hang", []string{"TestIncDoesNotDeadlock", "TestAfterTheHang"}, []string{"TestAfterTheHang"}},
		{"exit0", "07-exit", []string{"TestQuitReturns", "TestAfterExit"}, []string{"TestAfterExit"}},
		// log.Fatal leaves no trace: the test without a verdict runs again too.
		{"exit1", "13-exitone", []string{"TestSkipped", "TestLoadReturns", "TestAfterExit"}, []string{"TestLoadReturns", "TestAfterExit"}},
		{"bubble-leak", "11-bubbleleak", []string{"TestFetchReturnsTheValue", "TestFetchGivesUpAtTheDeadline", "TestLater"}, []string{"TestLater"}},
		{"bubble-blocked", "12-bubbleblocked", []string{"TestNextGetsAValue", "TestAfter"}, []string{"TestAfter"}},
		// No test started: the initialisation would stop each test alone
		// the same way, after the same wait.
		{"init-hang", "15-inithang", []string{"TestReady", "TestNeverStarts"}, nil},
		{"init-panic", "18-initpanic", []string{"TestLimit", "TestAfter"}, nil},
		// Every test passed yet the package failed: find the leaker.
		{"leak-testmain", "10-leakmain", []string{"TestFetchReturnsTheValue", "TestFetchGivesUp"}, []string{"TestFetchReturnsTheValue", "TestFetchGivesUp"}},
	}
	for _, tc := range tests {
		t.Run(tc.stream, func(t *testing.T) {
			got := Needed(recorded.Package(t, tc.stream, tc.dir), tc.declared)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Needed() = %v, want %v", got, tc.want)
			}
		})
	}
	if got := Needed(nil, []string{"TestA"}); got != nil {
		t.Errorf("Needed(nil) = %v, want nil", got)
	}
}

// fakeRunner answers every request with a package result whose one test
// passes, and records the requests and the most it saw at once.
type fakeRunner struct {
	mu       sync.Mutex
	reqs     []gotest.Request
	running  int
	most     int
	release  chan struct{}
	failTest string
}

func (f *fakeRunner) Run(ctx context.Context, req gotest.Request, onEvent func(testjson.Event)) (*testjson.Run, error) {
	f.mu.Lock()
	f.reqs = append(f.reqs, req)
	f.running++
	f.most = max(f.most, f.running)
	f.mu.Unlock()
	if f.release != nil {
		<-f.release
	}
	f.mu.Lock()
	f.running--
	f.mu.Unlock()
	p := testjson.NewParser()
	pkg := module + filepath.Base(req.Patterns[0])
	test := req.Run[1 : len(req.Run)-1]
	action := "pass"
	if test == f.failTest {
		action = "fail"
	}
	p.Event(testjson.Event{Action: "run", Package: pkg, Test: test})
	p.Event(testjson.Event{Action: action, Package: pkg, Test: test})
	p.Event(testjson.Event{Action: action, Package: pkg})
	return p.Run(), nil
}

func TestRunRunsEachTestAloneWithTheBaseFlags(t *testing.T) {
	f := &fakeRunner{failTest: "TestB"}
	jobs := []Job{
		{Pattern: "./lessons/01-a/", Test: "TestA"},
		{Pattern: "./lessons/01-a/", Test: "TestB"},
		{Pattern: "./lessons/02-b/", Test: "TestC"},
	}
	base := gotest.Request{Race: true, Timeout: 10 * time.Second}
	var done []string
	var mu sync.Mutex
	got := Run(context.Background(), f, base, jobs, 2, func(j Job) {
		mu.Lock()
		defer mu.Unlock()
		done = append(done, j.Test)
	})
	if len(got) != 3 {
		t.Fatalf("got %d results, want 3", len(got))
	}
	for _, j := range jobs {
		p := got[j]
		if p == nil || p.ImportPath != module+filepath.Base(j.Pattern) {
			t.Fatalf("result for %v = %+v, want its package", j, p)
		}
		want := testjson.Pass
		if j.Test == "TestB" {
			want = testjson.Fail
		}
		if tr := p.Test(j.Test); tr == nil || tr.Status != want {
			t.Errorf("%s: got %+v, want status %s", j.Test, tr, want)
		}
	}
	for _, r := range f.reqs {
		if !r.Race || r.Timeout != 10*time.Second || len(r.Patterns) != 1 {
			t.Errorf("request %+v does not keep the base flags or has several patterns", r)
		}
	}
	sort.Strings(done)
	if !reflect.DeepEqual(done, []string{"TestA", "TestB", "TestC"}) {
		t.Errorf("done callbacks = %v, want each test once", done)
	}
}

func TestRunKeepsToTheParallelLimit(t *testing.T) {
	f := &fakeRunner{release: make(chan struct{})}
	var jobs []Job
	for _, name := range []string{"TestA", "TestB", "TestC", "TestD", "TestE"} {
		jobs = append(jobs, Job{Pattern: "./lessons/01-a/", Test: name})
	}
	finished := make(chan map[Job]*testjson.Package)
	go func() {
		finished <- Run(context.Background(), f, gotest.Request{}, jobs, 2, nil)
	}()
	for range jobs {
		f.release <- struct{}{}
	}
	got := <-finished
	if len(got) != len(jobs) {
		t.Errorf("got %d results, want %d", len(got), len(jobs))
	}
	if f.most > 2 {
		t.Errorf("%d runs at once, want at most 2", f.most)
	}
}

func TestPatternSelectsExactlyOneTest(t *testing.T) {
	if got, want := Pattern("TestA"), "^TestA$"; got != want {
		t.Errorf("Pattern = %q, want %q", got, want)
	}
}
