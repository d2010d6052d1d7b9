// Package failure cuts the output of a failed test down to what a learner
// needs: what kind of failure it was, one sentence about it, the testify
// message and diff, the learner's own file and line, the leaked or blocked
// goroutine, the racing accesses. It reads text only; it does not decide
// how a lesson is graded.
package failure

import (
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"strings"
)

// Context says where the learner's code lives, so that frames can be told
// apart and paths shown relative to the module root.
type Context struct {
	Root       string // absolute module root, as stack traces print it
	LessonDir  string // "lessons/01-blocking-chain", slash-separated
	ImportPath string // the lesson package's import path
	ModulePath string // the module path, trimmed from other function names
}

// rel makes a path from a stack trace or a compiler message relative to
// the module root, with forward slashes.
func (c Context) rel(file string) string {
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
	// TestLine is the line of the lesson's test that failed or was
	// running, when known.
	TestLine *Frame
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
)

// Analyze reads the output lines of one test (or of a package, for output
// printed outside any test) and cuts out the failure. The most serious
// finding wins: a hang or a crash explains everything printed before it.
func Analyze(lines []string, ctx Context) Report {
	p := stackParser{ctx: ctx}
	switch {
	case hasPrefixLine(lines, timeoutMarker):
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

// firstLearner returns the first frame in the learner's files, then the
// first in the lesson's tests, or nil.
func (p stackParser) firstLearner(frames []Frame) *Frame {
	for _, f := range frames {
		if p.ctx.IsLearner(f) {
			return &f
		}
	}
	return nil
}

func (p stackParser) firstTest(frames []Frame) *Frame {
	for _, f := range frames {
		if p.ctx.IsLessonTest(f) {
			return &f
		}
	}
	return nil
}

// lessonFrames renders the frames that are in the lesson's folder, the
// ones a learner can act on, as indented lines.
func (p stackParser) lessonFrames(frames []Frame, max int) []string {
	var out []string
	for _, f := range frames {
		if p.ctx.IsLearner(f) || p.ctx.IsLessonTest(f) {
			if len(out) == max {
				out = append(out, "  …")
				break
			}
			out = append(out, fmt.Sprintf("  %s  %s", f.Location(), f.Func))
		}
	}
	return out
}

// interesting keeps the goroutines that run lesson code (the learner's or
// the tests'), learner's first; the runtime's and testing's own goroutines
// are noise.
func (p stackParser) interesting(gs []Goroutine, bubbleOnly bool) []Goroutine {
	var learner, tests []Goroutine
	for _, g := range gs {
		if bubbleOnly && !g.InBubble() {
			continue
		}
		switch {
		case p.firstLearner(g.Frames) != nil:
			learner = append(learner, g)
		case p.firstTest(g.Frames) != nil:
			tests = append(tests, g)
		case g.CreatedBy != nil && (p.ctx.IsLearner(*g.CreatedBy) || p.ctx.IsLessonTest(*g.CreatedBy)):
			tests = append(tests, g)
		}
	}
	if len(learner) > 0 {
		// The test's own goroutines (waiting in synctest.Run or
		// t.Run) only say that the test waits for the learner's code.
		return learner
	}
	return tests
}

// where picks the frame to name for a goroutine: the learner's, else the
// test's, else where it was started.
func (p stackParser) where(g Goroutine) *Frame {
	if f := p.firstLearner(g.Frames); f != nil {
		return f
	}
	if g.CreatedBy != nil && p.ctx.IsLearner(*g.CreatedBy) {
		return g.CreatedBy
	}
	if f := p.firstTest(g.Frames); f != nil {
		return f
	}
	if len(g.Frames) > 0 {
		return &g.Frames[0]
	}
	return g.CreatedBy
}

// describe renders a goroutine as a header and its lesson frames.
func (p stackParser) describe(g Goroutine) []string {
	out := []string{fmt.Sprintf("goroutine %d, blocked in %s:", g.ID, g.WaitingOn())}
	frames := p.lessonFrames(g.Frames, 6)
	if len(frames) == 0 && len(g.Frames) > 0 {
		frames = []string{fmt.Sprintf("  %s  %s", g.Frames[0].Location(), g.Frames[0].Func)}
	}
	out = append(out, frames...)
	if c := g.CreatedBy; c != nil && (p.ctx.IsLearner(*c) || p.ctx.IsLessonTest(*c)) {
		out = append(out, fmt.Sprintf("  started at %s  %s", c.Location(), c.Func))
	}
	return out
}

// maxBlocked is how many stuck goroutines a report describes; the rest
// are only counted, since the first few say what the learner must fix.
const maxBlocked = 3

// addBlocked adds the stuck goroutines gs to r: the first one ends the
// headline, and the first maxBlocked are described in the details. It
// returns the first goroutine, for the caller to pick the lines to point
// at, or nil when there is none.
func (p stackParser) addBlocked(r *Report, gs []Goroutine) *Goroutine {
	if len(gs) == 0 {
		return nil
	}
	r.Headline += ": " + p.blockedSentence(gs[0])
	for i, g := range gs {
		if i == maxBlocked {
			r.Details = append(r.Details, fmt.Sprintf("(and %d more goroutines)", len(gs)-maxBlocked))
			break
		}
		r.Details = append(r.Details, p.describe(g)...)
	}
	return &gs[0]
}

func (p stackParser) blockedSentence(g Goroutine) string {
	w := p.where(g)
	if w == nil {
		return fmt.Sprintf("a goroutine is blocked in %s", g.WaitingOn())
	}
	return fmt.Sprintf("%s is blocked in %s at %s", w.Func, g.WaitingOn(), w.Location())
}

func (p stackParser) timeout(lines []string) Report {
	r := Report{Kind: Timeout}
	var after string
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, timeoutMarker); ok {
			after = clean(rest)
			lines = lines[i:]
			break
		}
	}
	gs := p.interesting(p.goroutines(lines), false)
	r.Headline = fmt.Sprintf("still waiting after %s (the test should take milliseconds)", after)
	if g := p.addBlocked(&r, gs); g != nil {
		r.Where = p.firstLearner(g.Frames)
		r.TestLine = p.firstTest(g.Frames)
	}
	return r
}

func (p stackParser) bubble(lines []string, kind Kind) Report {
	r := Report{Kind: kind}
	gs := p.interesting(p.goroutines(lines), true)
	if kind == BubbleBlocked {
		r.Headline = "every goroutine in the test's bubble is blocked, so none can ever wake up"
	} else {
		r.Headline = "the test ended while a goroutine it started was still blocked"
	}
	if g := p.addBlocked(&r, gs); g != nil {
		r.Where = p.where(*g)
		r.TestLine = p.firstTest(g.Frames)
	}
	return r
}

func (p stackParser) panic(lines []string, kind Kind) Report {
	r := Report{Kind: kind}
	i := panicLine(lines)
	msg := clean(lines[i])
	msg = strings.TrimSuffix(msg, " [recovered, repanicked]")
	msg = strings.TrimSuffix(msg, " [recovered]")
	r.Details = append(r.Details, msg)
	gs := p.goroutines(lines[i:])
	if len(gs) > 0 {
		// The first goroutine of a panic dump is the one that panicked.
		g := gs[0]
		r.Where = p.firstLearner(g.Frames)
		r.TestLine = p.firstTest(g.Frames)
		r.Details = append(r.Details, p.lessonFrames(g.Frames, 6)...)
	}
	if kind == Exit {
		r.Headline = "the code called os.Exit during the test, which ends the whole test binary"
	} else {
		r.Headline = msg
	}
	if r.Where != nil {
		r.Headline += fmt.Sprintf(" (in %s at %s)", r.Where.Func, r.Where.Location())
	}
	return r
}

var raceAccessRE = regexp.MustCompile(`^((?:Previous )?(?:[Aa]tomic )?(?:[Rr]ead|[Ww]rite)) at 0x[0-9a-f]+ by (.+):$`)

func (p stackParser) race(lines []string) Report {
	r := Report{Kind: Race, Headline: "the race detector saw two goroutines use the same memory without synchronisation"}
	type access struct {
		what, who string
		frames    []Frame
	}
	var accesses []access
	reports := 0
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == raceMarker {
			reports++
			continue
		}
		m := raceAccessRE.FindStringSubmatch(t)
		if m == nil || reports > 1 {
			continue
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "" {
			j++
		}
		accesses = append(accesses, access{what: strings.ToLower(m[1]), who: m[2], frames: p.frames(lines[i+1 : j])})
		i = j
	}
	for _, a := range accesses {
		// The learner's frames first: they are where to look; then the
		// test's, which tell how it was reached.
		var learner, rest []Frame
		for _, f := range a.frames {
			switch {
			case p.ctx.IsLearner(f):
				learner = append(learner, f)
			case p.ctx.IsLessonTest(f):
				rest = append(rest, f)
			}
		}
		shown := append(learner, rest...)
		if len(shown) == 0 && len(a.frames) > 0 {
			shown = a.frames[:1]
		}
		r.Details = append(r.Details, fmt.Sprintf("%s by %s:", a.what, a.who))
		for k, f := range shown {
			if k == 3 {
				break
			}
			r.Details = append(r.Details, fmt.Sprintf("  %s  %s", f.Location(), f.Func))
		}
		if r.Where == nil && len(learner) > 0 {
			r.Where = &learner[0]
		}
		if r.TestLine == nil {
			r.TestLine = p.firstTest(a.frames)
		}
	}
	if reports > 1 {
		r.Details = append(r.Details, fmt.Sprintf("(%d race reports in all; the first is shown)", reports))
	}
	if len(accesses) >= 2 {
		r.Headline = fmt.Sprintf("a %s races with a %s", p.accessSentence(accesses[0].what, accesses[0].frames), p.accessSentence(strings.TrimPrefix(accesses[1].what, "previous "), accesses[1].frames))
	}
	return r
}

func (p stackParser) accessSentence(what string, frames []Frame) string {
	f := p.firstLearner(frames)
	if f == nil && len(frames) > 0 {
		f = &frames[0]
	}
	if f == nil {
		return what
	}
	return fmt.Sprintf("%s at %s (%s)", what, f.Location(), f.Func)
}

func (p stackParser) leak(lines []string) Report {
	r := Report{Kind: Leak}
	start := 0
	for i, l := range lines {
		if strings.Contains(l, leakMarker) {
			start = i
			if f, ok := testLogLine(l); ok {
				r.TestLine = p.testFrame(f)
			}
			break
		}
	}
	gs := p.goroutines(lines[start:])
	if in := p.interesting(gs, false); len(in) > 0 {
		gs = in
	}
	r.Headline = "a goroutine was still running when the test ended"
	r.Details = append(r.Details, fmt.Sprintf("goleak found %d goroutine(s) still running after the test:", len(gs)))
	if g := p.addBlocked(&r, gs); g != nil {
		r.Where = p.where(*g)
	}
	return r
}

// testLogLine matches the "    file_test.go:12: message" line that t.Log,
// t.Error and testify print.
var testLogRE = regexp.MustCompile(`^ {4}(\S+\.go):(\d+): ?(.*)$`)

type logLine struct {
	file string
	line int
	text string
}

func testLogLine(s string) (logLine, bool) {
	m := testLogRE.FindStringSubmatch(clean(s))
	if m == nil {
		return logLine{}, false
	}
	var n int
	fmt.Sscan(m[2], &n)
	return logLine{file: m[1], line: n, text: m[3]}, true
}

// testFrame turns a log line's bare file name into a lesson path.
func (p stackParser) testFrame(l logLine) *Frame {
	if !strings.HasSuffix(l.file, "_test.go") || strings.Contains(l.file, "/") {
		return nil
	}
	return &Frame{File: path.Join(p.ctx.LessonDir, l.file), Line: l.line}
}

// testifyRE matches a testify line: indentation, a tab, a label column
// (blank on continuation lines), a tab, the value.
var testifyRE = regexp.MustCompile(`^\s+\t([A-Za-z ]*?):?\s*\t(.*)$`)

// assertion keeps what testify and t.Error said, without testify's
// "Error Trace" and "Test" noise.
func (p stackParser) assertion(lines []string) Report {
	r := Report{Kind: Assertion}
	var label string
	var messages, firstError []string
	errorsSeen := 0
	for _, raw := range lines {
		l := clean(raw)
		if strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		if m := testifyRE.FindStringSubmatch(l); m != nil {
			if m[1] != "" {
				label = m[1]
				if label == "Error" {
					errorsSeen++
				}
			}
			if errorsSeen > 1 {
				// One failure at a time: the first assertion is the one to
				// fix; the rest are counted below.
				continue
			}
			switch label {
			case "Error Trace":
				if r.TestLine == nil {
					r.TestLine = p.traceFrame(m[2])
				}
			case "Test":
			default:
				r.Details = append(r.Details, labelled(m[1], m[2]))
				if label == "Messages" && m[1] != "" {
					messages = append(messages, strings.TrimSpace(m[2]))
				}
				if label == "Error" && errorsSeen == 1 {
					firstError = append(firstError, strings.TrimSpace(m[2]))
				}
			}
			continue
		}
		if errorsSeen > 1 {
			continue
		}
		if ll, ok := testLogLine(l); ok {
			label = ""
			if r.TestLine == nil {
				r.TestLine = p.testFrame(ll)
			}
			if ll.text != "" {
				messages = append(messages, ll.text)
				r.Details = append(r.Details, ll.text)
			}
			continue
		}
		if strings.HasPrefix(l, "        ") && label == "" && len(r.Details) > 0 {
			r.Details = append(r.Details, strings.TrimPrefix(l, "        "))
		}
	}
	if errorsSeen > 1 {
		more := fmt.Sprintf("(and %d more failed assertions in this test)", errorsSeen-1)
		if errorsSeen == 2 {
			more = "(and 1 more failed assertion in this test)"
		}
		r.Details = append(r.Details, more)
	}
	switch {
	case len(messages) > 0:
		r.Headline = messages[0]
	case len(firstError) > 0:
		r.Headline = errorSentence(firstError)
	default:
		r.Kind = None
	}
	return r
}

// errorSentence condenses testify's Error block: "Not equal: expected: 3s,
// actual: 6s". A diff is left for the details.
func errorSentence(block []string) string {
	out := strings.TrimSpace(block[0])
	for _, l := range block[1:] {
		k, v, ok := strings.Cut(l, ":")
		k = strings.TrimSpace(k)
		if ok && (k == "expected" || k == "actual") {
			out += " " + k + ": " + strings.TrimSpace(v) + ","
		}
	}
	return strings.TrimSuffix(out, ",")
}

func labelled(label, value string) string {
	value = strings.TrimRight(value, " ")
	if label == "" {
		return "          " + value
	}
	return fmt.Sprintf("%-9s %s", label+":", value)
}

func (p stackParser) traceFrame(trace string) *Frame {
	first := strings.Fields(trace)
	if len(first) == 0 {
		return nil
	}
	file, line, ok := strings.Cut(first[0], ".go:")
	if !ok {
		return nil
	}
	var n int
	fmt.Sscan(line, &n)
	return &Frame{File: p.ctx.rel(file + ".go"), Line: n}
}

// Kinds of build failure.
const (
	Compile Kind = "compile" // the compiler rejected the package or its tests
	Vet     Kind = "vet"     // go vet, which go test runs first, found a problem
)

// Build cuts the build-output lines of a package that did not compile:
// the "# package" headers go, file paths become relative to the module
// root, and Where points at the first error in the learner's files.
func Build(lines []string, ctx Context) Report {
	r := Report{Kind: Compile}
	for _, raw := range lines {
		l := clean(raw)
		if strings.HasPrefix(l, "# [") {
			// The go command heads vet's output with "# [package]".
			r.Kind = Vet
			continue
		}
		if strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "" {
			continue
		}
		if strings.HasPrefix(l, "\t") && len(r.Details) == 1 {
			// A hint under the first error ("\tgo get …") completes it.
			r.Headline += " " + strings.TrimSpace(l)
		}
		if m := compileRE.FindStringSubmatch(l); m != nil {
			var n int
			fmt.Sscan(m[2], &n)
			f := Frame{File: ctx.rel(strings.TrimPrefix(m[1], "./")), Line: n}
			l = f.Location() + m[3]
			if r.Where == nil && (ctx.IsLearner(f) || ctx.IsLessonTest(f)) {
				r.Where = &f
			}
			if r.Headline == "" {
				r.Headline = m[4]
			}
		}
		r.Details = append(r.Details, l)
	}
	if r.Headline == "" && len(r.Details) > 0 {
		r.Headline = r.Details[0]
	}
	return r
}

// compileRE matches "path/file.go:12:5: message" (the column is optional).
var compileRE = regexp.MustCompile(`^(?:vet: )?(\S+\.go):(\d+)((?::\d+)?: (.*))$`)

// Stopped describes a test that started and never reported a verdict,
// with no panic to explain it: the test binary exited under it, through
// os.Exit or log.Fatal, or was killed.
func Stopped(lines []string, ctx Context) Report {
	r := Report{Kind: Exit, Headline: "the test binary stopped during this test without a verdict: does the code call os.Exit or log.Fatal?"}
	var last []string
	for _, raw := range lines {
		l := clean(raw)
		if strings.HasPrefix(l, "=== ") || strings.TrimSpace(l) == "" {
			continue
		}
		last = append(last, strings.TrimSpace(l))
	}
	if len(last) > 5 {
		last = last[len(last)-5:]
	}
	if len(last) > 0 {
		r.Details = append([]string{"its last output:"}, indent(last)...)
	}
	return r
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}
