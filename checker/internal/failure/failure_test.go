package failure

import (
	"strings"
	"testing"
)

var ctx = Context{
	Root:       "/home/learner/workshop",
	LessonDir:  "lessons/01-blocking-chain",
	ImportPath: "github.com/wherewaiting/workshop/lessons/01-blocking-chain",
	ModulePath: "github.com/wherewaiting/workshop",
}

// lines splits a literal into output lines, each ending in "\n", as
// go test -json delivers them.
func lines(s string) []string {
	var out []string
	for _, l := range strings.SplitAfter(strings.TrimPrefix(s, "\n"), "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestAnalyzeFindsTheLearnersLine(t *testing.T) {
	tests := []struct {
		name   string
		output string
		kind   Kind
		where  string // learner's file:line, "" for none
		test   string // test's file:line, "" for none
	}{
		{"testify", `
    chain_test.go:18: 
        	Error Trace:	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:18
        	Error:      	Not equal: 
        	            	expected: 2s
        	            	actual  : 1s
        	Test:       	TestWaitsAddUp
        	Messages:   	the client waited 1s
`, Assertion, "", "lessons/01-blocking-chain/chain_test.go:18"},
		{"t.Errorf", `
    chain_test.go:40: Handle returned "x", want "y"
        and this is why
`, Assertion, "", "lessons/01-blocking-chain/chain_test.go:40"},
		{"panic in learner code", `
--- FAIL: TestHandle (0.00s)
panic: runtime error: invalid memory address or nil pointer dereference [recovered, repanicked]
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4f0e1a]

goroutine 7 [running]:
testing.tRunner.func1.2({0x5a2f40, 0x7a1e30})
	/usr/local/go/src/testing/testing.go:1974 +0x419
panic({0x5a2f40?, 0x7a1e30?})
	/usr/local/go/src/runtime/panic.go:860 +0x13a
github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Service).Handle(0x0, {0x5d1a2b, 0x2})
	/home/learner/workshop/lessons/01-blocking-chain/chain.go:42 +0x1a
github.com/wherewaiting/workshop/lessons/01-blocking-chain.TestHandle(0xc0000a8000)
	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:12 +0x2f
testing.tRunner(0xc0000a8000, 0x5d6f10)
	/usr/local/go/src/testing/testing.go:2036 +0x21d
created by testing.(*T).Run in goroutine 1
	/usr/local/go/src/testing/testing.go:2101 +0xb13
`, Panic, "lessons/01-blocking-chain/chain.go:42", "lessons/01-blocking-chain/chain_test.go:12"},
		{"goleak", `
    chain_test.go:30: found unexpected goroutines:
        [Goroutine 24 in state chan send, with github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Service).Call.func1 on top of the stack:
        github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Service).Call.func1()
        	/home/learner/workshop/lessons/01-blocking-chain/chain.go:55 +0x48
        created by github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Service).Call in goroutine 23
        	/home/learner/workshop/lessons/01-blocking-chain/chain.go:53 +0xfd
        ]
`, Leak, "lessons/01-blocking-chain/chain.go:55", "lessons/01-blocking-chain/chain_test.go:30"},
		{"race", `
==================
WARNING: DATA RACE
Write at 0x00c000018258 by goroutine 12:
  github.com/wherewaiting/workshop/lessons/01-blocking-chain.TestCount.func1()
      /home/learner/workshop/lessons/01-blocking-chain/chain_test.go:20 +0x7b
  github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Counter).Add()
      /home/learner/workshop/lessons/01-blocking-chain/chain.go:14 +0x7b

Previous read at 0x00c000018258 by goroutine 9:
  github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Counter).Total()
      /home/learner/workshop/lessons/01-blocking-chain/chain.go:19 +0x8d

Goroutine 12 (running) created at:
  github.com/wherewaiting/workshop/lessons/01-blocking-chain.TestCount()
      /home/learner/workshop/lessons/01-blocking-chain/chain_test.go:18 +0x84
==================
    testing.go:1712: race detected during execution of test
`, Race, "lessons/01-blocking-chain/chain.go:14", "lessons/01-blocking-chain/chain_test.go:20"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyze(lines(tc.output), ctx)
			if r.Kind != tc.kind {
				t.Errorf("kind = %q, want %q", r.Kind, tc.kind)
			}
			if got := loc(r.Where); got != tc.where {
				t.Errorf("Where = %q, want %q", got, tc.where)
			}
			if got := loc(r.TestLine); got != tc.test {
				t.Errorf("TestLine = %q, want %q", got, tc.test)
			}
			if r.Headline == "" {
				t.Error("Headline is empty, want a sentence")
			}
			for _, d := range r.Details {
				if strings.Contains(d, "/home/learner") {
					t.Errorf("detail %q keeps an absolute path, want paths relative to the module root", d)
				}
			}
		})
	}
}

func loc(f *Frame) string {
	if f == nil {
		return ""
	}
	return f.Location()
}

func TestRaceShowsTheLearnersFramesFirst(t *testing.T) {
	r := Analyze(lines(`
WARNING: DATA RACE
Write at 0x00c000018258 by goroutine 12:
  github.com/wherewaiting/workshop/lessons/01-blocking-chain.TestCount.func1()
      /home/learner/workshop/lessons/01-blocking-chain/chain_test.go:20 +0x7b
  github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Counter).Add()
      /home/learner/workshop/lessons/01-blocking-chain/chain.go:14 +0x7b

Previous read at 0x00c000018258 by goroutine 9:
  github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Counter).Total()
      /home/learner/workshop/lessons/01-blocking-chain/chain.go:19 +0x8d

`), ctx)
	want := []string{
		"write by goroutine 12:",
		"  lessons/01-blocking-chain/chain.go:14  (*Counter).Add",
		"  lessons/01-blocking-chain/chain_test.go:20  TestCount.func1",
		"previous read by goroutine 9:",
		"  lessons/01-blocking-chain/chain.go:19  (*Counter).Total",
	}
	if got := strings.Join(r.Details, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("details:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if !strings.Contains(r.Headline, "chain.go:14") || !strings.Contains(r.Headline, "chain.go:19") {
		t.Errorf("headline %q should name both racing lines", r.Headline)
	}
}

func TestAssertionShowsOnlyTheFirstFailure(t *testing.T) {
	r := Analyze(lines(`
    chain_test.go:18: 
        	Error Trace:	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:18
        	Error:      	Should be true
        	Test:       	TestX
        	Messages:   	first
    chain_test.go:19: 
        	Error Trace:	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:19
        	Error:      	Should be true
        	Test:       	TestX
        	Messages:   	second
`), ctx)
	want := []string{
		"Messages: first",
		"Error:    Should be true",
		"(and 1 more failed assertion in this test)",
	}
	if got := strings.Join(r.Details, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("details:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if r.Headline != "first" {
		t.Errorf("headline = %q, want %q", r.Headline, "first")
	}
}

// What the test says in words comes before testify's raw values, and a
// raw value printed on one long line is cut: the learner reads the
// sentence first, not a screenful of a dump.
func TestAssertionPutsTheMessageBeforeALongDump(t *testing.T) {
	dump := "[" + strings.Repeat("round 1: 4 workers got 4 different messages; ", 100) + "]"
	r := Analyze(lines(`
    chain_test.go:18: 
        	Error Trace:	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:18
        	Error:      	Should be empty, but was `+dump+`
        	Test:       	TestX
        	Messages:   	each worker should lease a message of its own
        	            	  0s  1s
`), ctx)
	if len(r.Details) != 3 {
		t.Fatalf("details = %q, want 3 lines", r.Details)
	}
	if want := "Messages: each worker should lease a message of its own"; r.Details[0] != want {
		t.Errorf("first detail = %q, want %q", r.Details[0], want)
	}
	if want := "            0s  1s"; r.Details[1] != want {
		t.Errorf("second detail = %q, want the message's picture %q", r.Details[1], want)
	}
	if got := r.Details[2]; !strings.HasPrefix(got, "Error:    Should be empty, but was [round 1") ||
		!strings.HasSuffix(got, " more characters)") || len([]rune(got)) > maxValue+60 {
		t.Errorf("third detail = %q, want the dump cut to %d characters", got, maxValue)
	}
}

func TestAssertionWithoutMessageSummarisesTheError(t *testing.T) {
	r := Analyze(lines(`
    chain_test.go:18: 
        	Error Trace:	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:18
        	Error:      	Not equal: 
        	            	expected: 2s
        	            	actual  : 1s
        	Test:       	TestX
`), ctx)
	if want := "Not equal: expected: 2s, actual: 1s"; r.Headline != want {
		t.Errorf("headline = %q, want %q", r.Headline, want)
	}
}

// A goroutine that never blocks in a synctest bubble keeps its clock at
// one instant: the report says it loops, and what to look for, not that
// it is "blocked in runnable".
func TestATimeoutWithAGoroutineSpinningInABubbleSaysItLoops(t *testing.T) {
	r := Analyze(lines(`
panic: test timed out after 10s
	running tests:
		TestLeaseEnds (10s)

goroutine 23 [synctest.Wait (durable), synctest bubble 1]:
internal/synctest.Wait()
	/usr/local/go/src/runtime/synctest.go:298 +0x78
github.com/wherewaiting/workshop/lessons/01-blocking-chain_test.TestLeaseEnds.func1(0xc000100908)
	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:44 +0x6b4
testing.tRunner(0xc000100908, 0x836a60)
	/usr/local/go/src/testing/testing.go:2036 +0x21d

goroutine 25 [runnable, synctest bubble 1]:
time.NewTimer(0x0)
	/usr/local/go/src/time/sleep.go:143 +0xd0
github.com/wherewaiting/workshop/lessons/01-blocking-chain.wait({0x83da58, 0xc0000e0460}, 0xc000082690, {0x0?, 0xeafff3a83?, 0xab3580?})
	/home/learner/workshop/lessons/01-blocking-chain/chain.go:231 +0x9c
github.com/wherewaiting/workshop/lessons/01-blocking-chain.(*Queue).Receive(0xc0001043c0, {0x83da58, 0xc0000e0460})
	/home/learner/workshop/lessons/01-blocking-chain/chain.go:219 +0x14a
github.com/wherewaiting/workshop/lessons/01-blocking-chain_test.goReceive.func1()
	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:56 +0x86
created by github.com/wherewaiting/workshop/lessons/01-blocking-chain_test.goReceive in goroutine 23
	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:55 +0x18b
`), ctx)
	if r.Kind != Timeout {
		t.Errorf("kind = %q, want %q", r.Kind, Timeout)
	}
	want := "still waiting after 10s (the test should take milliseconds): wait loops at one virtual instant without ever blocking, at lessons/01-blocking-chain/chain.go:231"
	if r.Headline != want {
		t.Errorf("headline = %q, want %q", r.Headline, want)
	}
	details := strings.Join(r.Details, "|")
	for _, want := range []string{"virtual time moves only while every goroutine in it is blocked", "goroutine 25, running (never blocked):"} {
		if !strings.Contains(details, want) {
			t.Errorf("details = %q, want them to hold %q", details, want)
		}
	}
	if strings.Contains(details, "blocked in runnable") {
		t.Errorf("details = %q, want no \"blocked in runnable\"", details)
	}
}

// A goroutine caught running on another thread has no stack in the dump,
// only where it was started: the report says so rather than that the
// function that started it loops.
func TestASpinningGoroutineWithoutAStackIsNamedByWhereItStarted(t *testing.T) {
	r := Analyze(lines(`
panic: test timed out after 10s
	running tests:
		TestLeaseEnds (10s)

goroutine 28 [running, synctest bubble 1]:
	goroutine running on other thread; stack unavailable
created by github.com/wherewaiting/workshop/lessons/01-blocking-chain_test.goReceive in goroutine 26
	/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:77 +0x18b
`), ctx)
	want := "still waiting after 10s (the test should take milliseconds): a goroutine started by goReceive at lessons/01-blocking-chain/chain_test.go:77 loops at one virtual instant without ever blocking"
	if r.Headline != want {
		t.Errorf("headline = %q, want %q", r.Headline, want)
	}
}

func TestStoppedKeepsTheLastOutput(t *testing.T) {
	r := Stopped(lines(`
=== RUN   TestLoad
    e_test.go:8: loading
2026/01/02 10:00:00 cannot load the configuration
`), ctx)
	if r.Kind != Exit {
		t.Errorf("kind = %q, want %q", r.Kind, Exit)
	}
	if got := strings.Join(r.Details, "|"); got != "its last output:|  e_test.go:8: loading|  2026/01/02 10:00:00 cannot load the configuration" {
		t.Errorf("details = %q", got)
	}
}

func TestBuildMakesPathsRelativeAndSpotsVet(t *testing.T) {
	tests := []struct {
		name     string
		output   string
		kind     Kind
		where    string
		headline string
		details  []string
	}{
		{"compiler", `
# github.com/wherewaiting/workshop/lessons/01-blocking-chain [github.com/wherewaiting/workshop/lessons/01-blocking-chain.test]
lessons/01-blocking-chain/chain.go:6:9: undefined: x
lessons/01-blocking-chain/chain.go:7:2: missing return
`, Compile, "lessons/01-blocking-chain/chain.go:6", "undefined: x", []string{
			"lessons/01-blocking-chain/chain.go:6:9: undefined: x",
			"lessons/01-blocking-chain/chain.go:7:2: missing return",
		}},
		{"vet", `
# github.com/wherewaiting/workshop/lessons/01-blocking-chain
# [github.com/wherewaiting/workshop/lessons/01-blocking-chain]
lessons/01-blocking-chain/chain.go:8:28: fmt.Sprintf format %d has arg name of wrong type string
`, Vet, "lessons/01-blocking-chain/chain.go:8", "fmt.Sprintf format %d has arg name of wrong type string", []string{
			"lessons/01-blocking-chain/chain.go:8:28: fmt.Sprintf format %d has arg name of wrong type string",
		}},
		{"absolute path", `
/home/learner/workshop/lessons/01-blocking-chain/chain_test.go:3:2: "fmt" imported and not used
`, Compile, "lessons/01-blocking-chain/chain_test.go:3", `"fmt" imported and not used`, []string{
			`lessons/01-blocking-chain/chain_test.go:3:2: "fmt" imported and not used`,
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Build(lines(tc.output), ctx)
			if r.Kind != tc.kind {
				t.Errorf("kind = %q, want %q", r.Kind, tc.kind)
			}
			if got := loc(r.Where); got != tc.where {
				t.Errorf("Where = %q, want %q", got, tc.where)
			}
			if r.Headline != tc.headline {
				t.Errorf("headline = %q, want %q", r.Headline, tc.headline)
			}
			if got, want := strings.Join(r.Details, "\n"), strings.Join(tc.details, "\n"); got != want {
				t.Errorf("details:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestStripArgs(t *testing.T) {
	tests := map[string]string{
		"pkg.(*T).M(0xc000, {0x1, 0x2})": "pkg.(*T).M",
		"pkg.F(...)":                     "pkg.F",
		"pkg.F":                          "pkg.F",
		"pkg.F.func1()":                  "pkg.F.func1",
	}
	for in, want := range tests {
		if got := stripArgs(in); got != want {
			t.Errorf("stripArgs(%q) = %q, want %q", in, got, want)
		}
	}
}
