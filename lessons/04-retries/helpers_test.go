package retries_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	retries "github.com/wherewaiting/workshop/lessons/04-retries"
)

// errUnavailable is what a dependency that is down answers: worth a retry,
// once it is marked with retries.Retryable.
var errUnavailable = errors.New("503 service unavailable")

// errBadRequest is a failure no retry can fix.
var errBadRequest = errors.New("400 bad request")

// overloaded is what a server that sheds load answers: 503 with a
// Retry-After header, the time it asks clients to wait before they call
// again. Do finds the hint with errors.As, through any wrapping.
type overloaded struct{ after time.Duration }

func (e overloaded) Error() string {
	return fmt.Sprintf("503 service unavailable, Retry-After %v", e.after)
}

// RetryAfter is the wait the server asked for.
func (e overloaded) RetryAfter() time.Duration { return e.after }

// show prints a picture on a -v run and, when WAITING_TIMELINES names a
// folder, keeps it there for the slides. Call it before the assertions, so
// that a failing run keeps its picture too.
func show(t *testing.T, name, picture string) {
	t.Helper()
	timeline.Keep(t, name, picture)
	t.Log("\n" + picture)
}

// downDependency returns a dependency that is down: every call takes latency
// and then fails with a retryable errUnavailable. Unless tl is nil, each
// call is drawn on tl as a "dependency" span. Call it inside the bubble.
func downDependency(tl *timeline.Timeline, latency time.Duration, opts ...backend.Option) *backend.Backend {
	opts = append([]backend.Option{
		backend.Latency(latency),
		backend.FailWith(retries.Retryable(errUnavailable)),
	}, opts...)
	if tl != nil {
		opts = append(opts, backend.Record(tl))
	}
	return backend.New("dependency", opts...)
}

// letAbandonedCallsFinish sleeps past any call a test left running at a
// dependency that does not listen to its context (virtual time costs
// nothing), so that those calls end before the bubble does. In correct code
// every goroutine has then exited. Defer it first thing in the bubble.
func letAbandonedCallsFinish() {
	time.Sleep(time.Hour)
	synctest.Wait()
}

// callOf is the operation Do retries: one call to b.
func callOf(b *backend.Backend) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := b.Call(ctx, "GET /price")
		return err
	}
}

// constant is a Rand that always returns x, so that every sleep is exactly
// x × min(Cap, Base·2^n).
func constant(x float64) func() float64 {
	return func() float64 { return x }
}

// request runs one Do as a client drawn on tl, and returns what the client
// got and how long it waited. Inside the bubble the wait is exact.
func request(ctx context.Context, tl *timeline.Timeline, p retries.Policy, op func(context.Context) error) (time.Duration, error) {
	start := time.Now()
	end := tl.Begin("client")
	err := retries.Do(ctx, p, op)
	end()
	return time.Since(start), err
}

// maxRows is how many spans picture draws: a retry storm has hundreds.
const maxRows = 12

// picture draws tl, cut to its first maxRows spans.
func picture(tl *timeline.Timeline) string {
	spans := tl.Spans()
	if len(spans) <= maxRows {
		return tl.String()
	}
	return timeline.Render(tl.Origin(), time.Now(), spans[:maxRows]) +
		fmt.Sprintf("… and %d more calls after these\n", len(spans)-maxRows)
}

// stopwatch is an operation that writes down when it was called and fails
// with err every time. It takes no time, so the pause between two calls is
// exactly the sleep Do chose. Use one stopwatch per client.
type stopwatch struct {
	err   error
	calls []time.Time
}

func (s *stopwatch) op(context.Context) error {
	s.calls = append(s.calls, time.Now())
	return s.err
}

// script is a stopwatch whose call n (from 0) fails with errs[n], and
// succeeds once errs runs out.
type script struct {
	stopwatch
	errs []error
}

func (s *script) op(context.Context) error {
	n := len(s.calls)
	s.calls = append(s.calls, time.Now())
	if n < len(s.errs) {
		return s.errs[n]
	}
	return nil
}

// pauses returns the time between each call and the next: pauses[n] is the
// sleep before retry n.
func (s *stopwatch) pauses() []time.Duration {
	var out []time.Duration
	for i := 1; i < len(s.calls); i++ {
		out = append(out, s.calls[i].Sub(s.calls[i-1]))
	}
	return out
}

// ceiling is the test's own backoff formula, min(cap, base·2^n), doubled
// step by step so that it cannot overflow.
func ceiling(base, cap time.Duration, n int) time.Duration {
	d := base
	for range n {
		if d >= cap {
			break
		}
		d *= 2
	}
	return min(d, cap)
}

// list prints durations compactly, [50ms 100ms 200ms], and at most 12 of them.
func list(ds []time.Duration) string {
	var s []string
	for i, d := range ds {
		if i == maxRows {
			s = append(s, fmt.Sprintf("… %d more", len(ds)-maxRows))
			break
		}
		s = append(s, d.String())
	}
	return "[" + strings.Join(s, " ") + "]"
}
