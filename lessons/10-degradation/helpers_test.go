package degradation_test

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	degradation "github.com/wherewaiting/workshop/lessons/10-degradation"
)

// spy adapts a simulated backend to degradation.Backend, and writes down
// how each query ended: whether its context was done by then and why, and
// the criticality the query carried.
type spy struct {
	*backend.Backend

	mu     sync.Mutex
	ending []ending
}

// ending is how one query ended, as the backend saw it.
type ending struct {
	query       string
	err         error
	criticality degradation.Criticality
	ctxDone     bool  // the query's context was done when the query returned
	cause       error // context.Cause of that context, if it was done
}

// Query calls the backend, then writes down how the call ended.
func (s *spy) Query(ctx context.Context, q string) (string, error) {
	answer, err := s.Call(ctx, q)
	e := ending{query: q, err: err, criticality: degradation.CriticalityOf(ctx)}
	if ctx.Err() != nil {
		e.ctxDone, e.cause = true, context.Cause(ctx)
	}
	s.mu.Lock()
	s.ending = append(s.ending, e)
	s.mu.Unlock()
	return answer, err
}

func (s *spy) endings() []ending {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.ending)
}

// newSpy returns a simulated backend called name, drawn on tl. Call it
// inside the bubble, so that its waits run on virtual time.
func newSpy(tl *timeline.Timeline, name string, opts ...backend.Option) *spy {
	opts = append([]backend.Option{backend.Record(tl)}, opts...)
	return &spy{Backend: backend.New(name, opts...)}
}

// numbered makes a backend's answers say which call they were: "name #n".
// A stale answer then shows which call it came from.
func numbered(name string) backend.Option {
	return backend.Reply(func(n int, _ string) string { return fmt.Sprintf("%s #%d", name, n) })
}

// dashboard is a Service and its three spied backends.
type dashboard struct {
	tl                                  *timeline.Timeline
	svc                                 *degradation.Service
	profiles, recommendations, activity *spy
}

// newDashboard builds a Service from three spies on one timeline. Call it
// inside the bubble.
func newDashboard(cfg degradation.Config, profiles, recommendations, activity []backend.Option) *dashboard {
	tl := timeline.New()
	d := &dashboard{
		tl:              tl,
		profiles:        newSpy(tl, "profiles", profiles...),
		recommendations: newSpy(tl, "recommendations", recommendations...),
		activity:        newSpy(tl, "activity", activity...),
	}
	d.svc = degradation.NewService(d.profiles, d.recommendations, d.activity, cfg)
	return d
}

// patience is how long a test waits for its client before it calls the
// client stuck. It costs nothing: virtual time passes instantly.
const patience = time.Hour

// asClient runs f as a client would: drawn on tl as "client", and timed.
// A client still waiting after patience is stuck: asClient cancels its
// context so that it can leave and the test ends cleanly, and fails the test.
func asClient(t *testing.T, tl *timeline.Timeline, ctx context.Context, f func(ctx context.Context)) (waited time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan time.Duration, 1)
	start := time.Now()
	end := tl.Begin("client")
	go func() {
		f(ctx)
		end()
		done <- time.Since(start)
	}()
	select {
	case waited = <-done:
		return waited
	case <-time.After(patience):
		picture := draw(tl)
		cancel()
		<-done
		t.Fatalf("after %v the client was still waiting; nothing here takes that long. "+
			"Does something wait for a goroutine that never ends, or for a turn that never comes?\n%s",
			patience, picture)
		return 0
	}
}

// page asks d for userID's page as a client would, with ctx.
func (d *dashboard) page(t *testing.T, ctx context.Context, userID string) (degradation.Page, time.Duration, error) {
	t.Helper()
	var p degradation.Page
	var err error
	waited := asClient(t, d.tl, ctx, func(ctx context.Context) { p, err = d.svc.Handle(ctx, userID) })
	return p, waited, err
}

// within returns a context that ends d from now, and its cancel.
func within(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), d)
}

// letEverythingFinish sleeps past any work a test started (virtual time
// costs nothing), so that a query still running for a client who left can
// finish before the bubble ends. In correct code every goroutine has then
// exited; one still stuck makes the bubble panic: that is a leak.
func letEverythingFinish() {
	time.Sleep(time.Hour)
	synctest.Wait()
}

// at sleeps until d after start, then lets everything that was due at that
// instant happen before the test looks.
func at(start time.Time, d time.Duration) {
	time.Sleep(time.Until(start.Add(d)))
	synctest.Wait()
}

// draw draws tl with its spans in a fixed order: by start, then by who,
// then by end. (Spans that start at the same instant are recorded in
// whatever order their goroutines ran.)
func draw(tl *timeline.Timeline) string {
	spans := tl.Spans()
	slices.SortStableFunc(spans, func(a, b timeline.Span) int {
		return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.Who, b.Who), a.End.Compare(b.End))
	})
	return timeline.Render(tl.Origin(), time.Now(), spans)
}

// spansOf lists tl's spans as "who start-end", measured from the
// timeline's time zero, sorted: goroutines started at the same instant
// draw their spans in any order.
func spansOf(tl *timeline.Timeline) []string {
	var out []string
	for _, s := range tl.Spans() {
		out = append(out, fmt.Sprintf("%s %v-%v", s.Who, s.Start.Sub(tl.Origin()), s.End.Sub(tl.Origin())))
	}
	slices.Sort(out)
	return out
}

// describe prints a page's degraded parts as "part: served (reason)", one
// per line, for failure messages.
func describe(p degradation.Page) string {
	if len(p.Degraded) == 0 {
		return "(the page is whole: nothing degraded)\n"
	}
	var b strings.Builder
	for _, d := range p.Degraded {
		fmt.Fprintf(&b, "%s: %v", d.Part, d.Served)
		if d.Served == degradation.Stale {
			fmt.Fprintf(&b, ", %v old", d.Age)
		}
		fmt.Fprintf(&b, " (%v)\n", d.Reason)
	}
	return b.String()
}

// parts lists the Part of each entry of p.Degraded, in order.
func parts(p degradation.Page) []string {
	var out []string
	for _, d := range p.Degraded {
		out = append(out, d.Part)
	}
	return out
}

// openLoop sends requests on a schedule, whatever happens to earlier ones,
// as independent users do: request i starts at start+times[i], in a
// goroutine of its own, and runs do(i). It returns when every request has
// returned.
func openLoop(start time.Time, times []time.Duration, do func(i int)) {
	var wg sync.WaitGroup
	for i, d := range times {
		time.Sleep(time.Until(start.Add(d)))
		wg.Go(func() { do(i) })
	}
	wg.Wait()
}

// every returns the instants from from (included) to until (excluded), one
// every interval, each nudged by nudge(k) for the k-th one.
//
// Events at the same virtual instant happen in no particular order: a
// request that arrives at the instant another one ends may find its slot
// taken or free. So that every test sees one order only, each arrival is
// nudged by a few nanoseconds that no sum of service times can equal.
func every(from, until, interval time.Duration, nudge func(k int) time.Duration) []time.Duration {
	var out []time.Duration
	for k, d := 0, from; d < until; k, d = k+1, d+interval {
		out = append(out, d+nudge(k))
	}
	return out
}
