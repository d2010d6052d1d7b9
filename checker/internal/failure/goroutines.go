package failure

import (
	"fmt"
	"strings"
)

// firstLearner returns the first frame in the learner's files, or nil.
func (p stackParser) firstLearner(frames []Frame) *Frame {
	for _, f := range frames {
		if p.ctx.IsLearner(f) {
			return &f
		}
	}
	return nil
}

// firstTest returns the first frame in the lesson's test files, or nil.
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
	head := fmt.Sprintf("goroutine %d, blocked in %s:", g.ID, g.WaitingOn())
	if spinning(g) {
		head = fmt.Sprintf("goroutine %d, running (never blocked):", g.ID)
	}
	out := []string{head}
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
// headline (a lock it waits for is explained first), and the first
// maxBlocked are described in the details. It
// returns the first goroutine, for the caller to pick the lines to point
// at, or nil when there is none.
func (p stackParser) addBlocked(r *Report, gs []Goroutine) *Goroutine {
	if len(gs) == 0 {
		return nil
	}
	gs = lockFirst(gs)
	r.Headline += ": " + p.blockedSentence(gs[0])
	if cause := lockCause(gs[0]); cause != "" {
		r.Details = append(r.Details, cause)
	}
	if cause := spinCause(gs[0]); cause != "" {
		r.Details = append(r.Details, cause)
	}
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
	switch {
	case w == nil:
		return fmt.Sprintf("a goroutine is blocked in %s", g.WaitingOn())
	case spinning(g) && g.InBubble() && len(g.Frames) == 0 && g.CreatedBy != nil:
		// Caught running on another thread: the dump has no stack for it,
		// only where it was started.
		return fmt.Sprintf("a goroutine started by %s at %s loops at one virtual instant without ever blocking", w.Func, w.Location())
	case spinning(g) && g.InBubble():
		// Virtual time moves only when every goroutine of the bubble is
		// durably blocked: one that never blocks stops the clock.
		return fmt.Sprintf("%s loops at one virtual instant without ever blocking, at %s", w.Func, w.Location())
	case spinning(g):
		// A loop that never ends: caught on the processor, not blocked.
		return fmt.Sprintf("%s is still running at %s", w.Func, w.Location())
	}
	return fmt.Sprintf("%s is blocked in %s at %s", w.Func, g.WaitingOn(), w.Location())
}

// lockFirst puts the goroutines that wait for a lock first, then those
// that spin in a synctest bubble, keeping the order otherwise. A goroutine
// in sync.Mutex.Lock waits for one that holds the lock and waits elsewhere
// (in a select, say): the holder is listed first as often as not, yet the
// lock is what the learner must look at. A goroutine that never blocks in
// a bubble keeps its virtual clock from moving, so the others of the
// bubble wait for it, whatever they wait on.
func lockFirst(gs []Goroutine) []Goroutine {
	out := make([]Goroutine, 0, len(gs))
	rank := func(g Goroutine) int {
		switch {
		case waitsForLock(g):
			return 0
		case spinning(g) && g.InBubble():
			return 1
		}
		return 2
	}
	for r := range 3 {
		for _, g := range gs {
			if rank(g) == r {
				out = append(out, g)
			}
		}
	}
	return out
}

// spinning reports whether g was on a processor, or ready for one, when
// the dump was taken: it was not blocked on anything.
func spinning(g Goroutine) bool {
	w := g.WaitingOn()
	return w == "running" || w == "runnable"
}

// spinCause explains a goroutine of a synctest bubble that never blocks:
// the bubble's clock moves only when all its goroutines are blocked, so a
// loop that waits for time to pass without blocking waits for ever.
func spinCause(g Goroutine) string {
	if !spinning(g) || !g.InBubble() {
		return ""
	}
	return "Inside the test's bubble, virtual time moves only while every goroutine in it is blocked. " +
		"This one never blocks, so the clock stays at one instant and nothing it waits for can come: " +
		"your code loops without sleeping, or without blocking on a timer or a channel. Look for a loop " +
		"that waits for time to pass: a deadline or an expiry whose instant has come but is never acted on " +
		"(a lease that has ended but is never given back, say) sends it round again, with zero time to wait, for ever."
}

// waitsForLock reports whether g waits in sync.Mutex.Lock or one of
// sync.RWMutex's.
func waitsForLock(g Goroutine) bool {
	w := g.WaitingOn()
	return strings.HasPrefix(w, "sync.Mutex.") || strings.HasPrefix(w, "sync.RWMutex.")
}

// lockCause explains a goroutine that waits for a lock: nothing wakes it
// but an Unlock, so the lock is held by someone who will not release it.
func lockCause(g Goroutine) string {
	if !waitsForLock(g) {
		return ""
	}
	return "The lock it waits for is never released: some path locked it and did not unlock it " +
		"(a return or a panic before Unlock; `defer mu.Unlock()` right after Lock prevents both), " +
		"or its holder waits for something while it holds it: a channel, a sleep, or the same lock " +
		"again (a sync.Mutex is not reentrant: a method that holds it cannot call one that locks it)."
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

// BeforeTests describes a test binary that ended before any of its tests
// started: its initialisation (an init function, a package-level
// variable, TestMain before m.Run) never returned and the binary was
// stopped with a goroutine dump, or it panicked, or it exited.
func BeforeTests(lines []string, ctx Context) Report {
	p := stackParser{ctx: ctx}
	if !hasPrefixLine(lines, stoppedMarker) && !hasPrefixLine(lines, "SIGQUIT: quit") {
		r := p.panic(lines, Panic)
		switch {
		case panicLine(lines) >= 0 && r.Where != nil:
			r.Headline = "the package panicked before any test started: " + r.Headline
		case panicLine(lines) >= 0:
			r.Headline = "the package panicked before any test started: " + r.Headline + "; look at its init functions and package-level variables"
		default:
			r = Stopped(lines, ctx)
			r.Headline = "the test binary stopped before any test started: do an init function, a package-level variable or TestMain call os.Exit or log.Fatal?"
		}
		return r
	}
	r := Report{Kind: StartHang, Headline: "no test started: the package's initialisation never returned " +
		"(an init function or a package-level variable that waits, or loops, for ever)"}
	for _, l := range lines {
		if rest, ok := strings.CutPrefix(clean(l), stoppedMarker); ok {
			r.Details = append(r.Details, "the test binary was stopped"+strings.TrimPrefix(rest, " with quit"))
			break
		}
	}
	var gs []Goroutine
	for _, g := range p.goroutines(lines) {
		if p.firstLearner(g.Frames) != nil || p.firstTest(g.Frames) != nil {
			gs = append(gs, g)
		}
	}
	if g := p.addBlocked(&r, gs); g != nil {
		r.Where = p.where(*g)
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
