package failure

import (
	"fmt"
	"strings"
)

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
