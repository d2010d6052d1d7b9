// Package timeline records who waited from when to when, and draws it as an
// ASCII waterfall so that waiting can be seen:
//
//	            0s        1s        2s        3s
//	client      |=============================|  3.0s
//	service       |=========================|    2.6s
//	database          |==================|       2.0s
//
// It reads the time package's clock. Inside a testing/synctest bubble that
// clock is virtual, so a timeline is the same on every run and every machine
// and can be compared with golden text.
package timeline

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// A Span is one stretch of waiting: Who waited from Start to End.
// A zero End means the wait had not ended when the timeline was drawn.
type Span struct {
	Who        string
	Start, End time.Time
}

// Open reports whether the span has not ended yet.
func (s Span) Open() bool { return s.End.IsZero() }

// A Timeline collects spans. Its zero value is not usable; call New.
// It is safe for concurrent use, and never holds its lock while anyone waits.
type Timeline struct {
	mu     sync.Mutex
	origin time.Time
	spans  []Span
}

// New returns an empty timeline whose time zero is now.
func New() *Timeline { return &Timeline{origin: time.Now()} }

// Begin records that who starts waiting now. Call the returned function when
// the wait ends; calling it again does nothing.
func (t *Timeline) Begin(who string) (end func()) {
	t.mu.Lock()
	i := len(t.spans)
	t.spans = append(t.spans, Span{Who: who, Start: time.Now()})
	t.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			t.mu.Lock()
			t.spans[i].End = time.Now()
			t.mu.Unlock()
		})
	}
}

// Add records a finished span.
func (t *Timeline) Add(who string, start, end time.Time) {
	t.mu.Lock()
	t.spans = append(t.spans, Span{Who: who, Start: start, End: end})
	t.mu.Unlock()
}

// Spans returns a copy of the spans in the order they started; spans that
// started at the same instant keep the order in which they were recorded.
func (t *Timeline) Spans() []Span {
	t.mu.Lock()
	out := append([]Span(nil), t.spans...)
	t.mu.Unlock()
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// Origin is the timeline's time zero.
func (t *Timeline) Origin() time.Time { return t.origin }

// String draws the waterfall, ten columns to one tick of the scale. Spans
// still open are drawn up to now and marked "still waiting".
func (t *Timeline) String() string {
	return Render(t.origin, time.Now(), t.Spans())
}

const colsPerTick = 10

// Render draws spans measured from origin; open spans are drawn up to now.
func Render(origin, now time.Time, spans []Span) string {
	if len(spans) == 0 {
		return "(nobody waited)\n"
	}
	end := time.Duration(0)
	label := 0
	for _, s := range spans {
		end = max(end, until(origin, now, s))
		label = max(label, len(s.Who))
	}
	label += 2
	tick := pickTick(end)
	col := func(d time.Duration) int {
		// Round to the nearest column, so 2.55s on a 1s tick lands where
		// a reader looks for it.
		return int((d*colsPerTick + tick/2) / tick)
	}
	width := col(end) + 1

	var b strings.Builder
	// The scale.
	header := []byte(strings.Repeat(" ", width+colsPerTick))
	for i := 0; i*colsPerTick < width; i++ {
		copy(header[i*colsPerTick:], (time.Duration(i) * tick).String())
	}
	fmt.Fprintf(&b, "%-*s%s\n", label, "", strings.TrimRight(string(header), " "))
	// One row a span.
	for _, s := range spans {
		from := max(s.Start.Sub(origin), 0)
		to := until(origin, now, s)
		c0, c1 := col(from), col(to)
		row := []byte(strings.Repeat(" ", width))
		for c := c0; c <= c1; c++ {
			row[c] = '='
		}
		row[c0] = '|'
		note := formatDuration(to - from)
		if s.Open() {
			row[c1] = '>'
			note += " still waiting"
		} else {
			row[c1] = '|'
		}
		fmt.Fprintf(&b, "%-*s%s  %s\n", label, s.Who, row, note)
	}
	return b.String()
}

func until(origin, now time.Time, s Span) time.Duration {
	if s.Open() {
		return max(now.Sub(origin), s.Start.Sub(origin))
	}
	return s.End.Sub(origin)
}

// pickTick chooses a round tick (1, 2 or 5 times a power of ten) so that
// the whole span fits in at most five ticks.
func pickTick(total time.Duration) time.Duration {
	for unit := time.Microsecond; ; unit *= 10 {
		for _, m := range []time.Duration{1, 2, 5} {
			if total <= 5*m*unit {
				return m * unit
			}
		}
	}
}

// formatDuration prints whole seconds as "3.0s" and smaller units as
// time.Duration does ("250ms").
func formatDuration(d time.Duration) string {
	if d == 0 {
		return "0s"
	}
	if d >= time.Second {
		s := strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
		if !strings.Contains(s, ".") {
			s += ".0"
		}
		return s + "s"
	}
	return d.String()
}
