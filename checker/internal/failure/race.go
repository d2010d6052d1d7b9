package failure

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

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
		// Both accesses are the learner's lines: the one that lacks the
		// lock may be either, so neither is named alone.
		switch {
		case len(learner) == 0:
		case r.Where == nil:
			r.Where = &learner[0]
		case learner[0].Location() != r.Where.Location() && !slices.ContainsFunc(r.Also, func(f Frame) bool { return f.Location() == learner[0].Location() }):
			r.Also = append(r.Also, learner[0])
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
