// Package failure cuts the output of a failed test down to what a learner
// needs: what kind of failure it was, one sentence about it, the testify
// message and diff, the learner's own file and line, the leaked or blocked
// goroutine, the racing accesses. It reads text only; it does not decide
// how a lesson is graded.
package failure

import (
	"path"
	"path/filepath"
	"strings"
)

// Context says where the learner's code lives, so that frames can be told
// apart and paths shown relative to the module root.
type Context struct {
	Root       string // absolute module root, as stack traces print it
	LessonDir  string // "lessons/01-blocking-chain", slash-separated
	ImportPath string // the lesson package's import path
	ModulePath string // the module path, trimmed from other function names
	// Source reads a learner's file by its root-relative path, to tell
	// what a line of it is (the closing brace where deferred calls run);
	// nil, or an error, when the files cannot be read.
	Source func(rel string) ([]byte, error)
}

// Rel makes a path from a stack trace or a compiler message relative to
// the module root, with forward slashes.
func (c Context) Rel(file string) string {
	file = filepath.ToSlash(file)
	root := strings.TrimSuffix(filepath.ToSlash(c.Root), "/")
	if root != "" {
		if rest, ok := strings.CutPrefix(file, root+"/"); ok {
			return rest
		}
	}
	return file
}

// IsLearner reports whether f is in one of the lesson's non-test files.
func (c Context) IsLearner(f Frame) bool {
	return path.Dir(f.File) == c.LessonDir && !strings.HasSuffix(f.File, "_test.go")
}

// IsLessonTest reports whether f is in one of the lesson's test files.
func (c Context) IsLessonTest(f Frame) bool {
	return path.Dir(f.File) == c.LessonDir && strings.HasSuffix(f.File, "_test.go")
}

// Kind names what went wrong.
type Kind string

// The kinds of failure, from the output alone.
const (
	None          Kind = ""               // nothing recognisable
	Assertion     Kind = "assertion"      // testify, or t.Error/t.Fatal
	Panic         Kind = "panic"          // a panic or a fatal runtime error
	Exit          Kind = "exit"           // os.Exit during a test
	Timeout       Kind = "timeout"        // go test's -timeout fired
	BubbleBlocked Kind = "bubble-blocked" // synctest: every goroutine of the bubble is blocked
	BubbleLeak    Kind = "bubble-leak"    // synctest: the test returned, bubble goroutines remain blocked
	Leak          Kind = "leak"           // goleak: found unexpected goroutines
	Race          Kind = "race"           // the race detector's WARNING: DATA RACE
	StartHang     Kind = "start-hang"     // no test started: the package's initialisation never returned
)

// Report is a failure cut to what matters.
type Report struct {
	Kind     Kind
	Headline string   // one sentence, no trailing newline
	Details  []string // lines to show under the test, without indentation
	// Where is the learner's own code: the first frame, in the lesson's
	// non-test files, of the goroutine that matters. Nil when the failure
	// does not point into the learner's code (a plain assertion).
	Where *Frame
	// Also are more of the learner's lines that matter as much as Where:
	// the other access of a data race.
	Also []Frame
	// TestLine is the line of the lesson's test that failed or was
	// running, when known.
	TestLine *Frame
	// Advice is what the test itself said, in its own words, before a
	// leak, a hang or a crash took over the report: its message says
	// what to do, the goroutine says where.
	Advice string
}

// Markers that identify failures in test output. They are the runtime's,
// testing's and goleak's own words, stable across Go releases so far.
const (
	timeoutMarker       = "panic: test timed out after "
	bubbleBlockedMarker = "deadlock: all goroutines in bubble are blocked"
	bubbleLeakMarker    = "deadlock: main bubble goroutine has exited but blocked goroutines remain"
	exitMarker          = "panic: unexpected call to os.Exit("
	raceMarker          = "WARNING: DATA RACE"
	raceTestMarker      = "race detected during execution of test"
	leakMarker          = "found unexpected goroutines"
	// stoppedMarker begins the line that says a test binary was stopped
	// for running too long: by the go command a minute after -timeout, or
	// by the checker when no test started in time (gotest.Stopped).
	stoppedMarker = "*** Test killed"
)

// Analyze reads the output lines of one test (or of a package, for output
// printed outside any test) and cuts out the failure. The most serious
// finding wins: a hang or a crash explains everything printed before it.
func Analyze(lines []string, ctx Context) Report {
	r := analyze(lines, ctx)
	if r.Kind != Assertion && r.Kind != None {
		r.Advice = advice(lines, ctx)
	}
	return r
}

func analyze(lines []string, ctx Context) Report {
	p := stackParser{ctx: ctx}
	switch {
	case TimeoutAt(lines) >= 0:
		return p.timeout(lines)
	case containsLine(lines, bubbleBlockedMarker):
		return p.bubble(lines, BubbleBlocked)
	case containsLine(lines, bubbleLeakMarker):
		return p.bubble(lines, BubbleLeak)
	case hasPrefixLine(lines, exitMarker):
		return p.panic(lines, Exit)
	case panicLine(lines) >= 0:
		return p.panic(lines, Panic)
	case containsLine(lines, raceMarker) || containsLine(lines, raceTestMarker):
		return p.race(lines)
	case containsLine(lines, leakMarker):
		return p.leak(lines)
	}
	return p.assertion(lines)
}

// advice is the first thing the test said in its own words (a testify
// message, a t.Error or t.Fatal) among the lines that show a leak, a hang
// or a crash. It may come after them: a subtest's message follows its
// parent's goleak report when the output of a test and its subtests is
// gathered, and a t.Fatal can precede the goroutines it leaves behind, or
// follow them. The reports themselves (a marker line and the goroutines
// under it, up to the next line the test logs) are skipped.
func advice(lines []string, ctx Context) string {
	var said []string
	skipping := false
	for _, l := range lines {
		switch {
		case isMarker(l):
			skipping = true
			continue
		case strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- "):
			skipping = false
		case skipping:
			if _, ok := testLogLine(l); !ok {
				continue
			}
			skipping = false
		}
		said = append(said, l)
	}
	r := stackParser{ctx: ctx}.assertion(said)
	if r.Kind == None {
		return ""
	}
	return r.Headline
}

// isMarker reports whether a line starts the report of a leak, a hang, a
// crash or a race.
func isMarker(l string) bool {
	for _, m := range []string{bubbleBlockedMarker, bubbleLeakMarker, raceMarker, raceTestMarker, leakMarker} {
		if strings.Contains(l, m) {
			return true
		}
	}
	return strings.HasPrefix(l, timeoutMarker) || strings.HasPrefix(l, exitMarker) ||
		strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ")
}

// TimeoutAt returns the index of the line with which go test's -timeout
// stopped a test binary, or -1.
func TimeoutAt(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, timeoutMarker) {
			return i
		}
	}
	return -1
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

func hasPrefixLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, s) {
			return true
		}
	}
	return false
}

// panicLine finds the runtime's own "panic: " or "fatal error: " line. It
// is never indented, unlike anything a test logs.
func panicLine(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return i
		}
	}
	return -1
}

func clean(s string) string { return strings.TrimRight(s, "\r\n") }

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}
