package fanout_test

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	fanout "github.com/wherewaiting/workshop/lessons/03-fan-out"
)

// spy adapts a simulated backend to fanout.Backend, and writes down how each
// query ended: whether its context was done by then and, if so, why
// (context.Cause). That is how a test sees that a query was cancelled, and
// by whom.
type spy struct {
	*backend.Backend

	mu     sync.Mutex
	ending []ending
}

// ending is how one query ended, as the backend saw it.
type ending struct {
	query   string
	err     error
	ctxDone bool  // the query's context was done when the query returned
	cause   error // context.Cause of that context, if it was done
}

// Query calls the backend, then writes down how the call ended.
func (s *spy) Query(ctx context.Context, q string) (string, error) {
	answer, err := s.Call(ctx, q)
	e := ending{query: q, err: err}
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
func newSpy(tl drawing, name string, opts ...backend.Option) *spy {
	opts = append([]backend.Option{backend.Record(tl.Timeline)}, opts...)
	return &spy{Backend: backend.New(name, opts...)}
}

// slowToStop is a Backend that takes lag to stop once its query's context
// is done, as a server does that must first hear of the cancellation.
// running counts its queries that have not returned yet.
type slowToStop struct {
	*spy
	tl      drawing
	lag     time.Duration
	running atomic.Int64
}

func (s *slowToStop) Query(ctx context.Context, q string) (string, error) {
	s.running.Add(1)
	defer s.running.Add(-1)
	answer, err := s.spy.Query(ctx, q)
	if ctx.Err() != nil {
		defer s.tl.Begin(s.Name() + " stopping")()
		time.Sleep(s.lag)
	}
	return answer, err
}

// perKey is a Backend for Lookup whose behaviour depends on the key: each
// key has a simulated backend of its own, named after the key. (One shared
// backend could only vary by call number, and which key is call number 1
// is up to the scheduler.)
type perKey map[string]*spy

// Query sends key to its own backend.
func (p perKey) Query(ctx context.Context, key string) (string, error) {
	b, ok := p[key]
	if !ok {
		return "", fmt.Errorf("no backend for key %q", key)
	}
	return b.Query(ctx, key)
}

// newPerKey makes one backend per key, each answering "answer to <key>",
// with the options opts gives for that key.
func newPerKey(tl drawing, keys []string, opts func(key string) []backend.Option) perKey {
	p := perKey{}
	for _, key := range keys {
		o := append([]backend.Option{backend.Reply(func(_ int, q string) string { return "answer to " + q })}, opts(key)...)
		p[key] = newSpy(tl, "key "+key, o...)
	}
	return p
}

// patience is how long a test waits for its client before it calls the
// client stuck. It costs nothing: virtual time passes instantly.
const patience = time.Minute

// asClient runs f as a client would: drawn on tl as "client", and timed.
// A client still waiting after patience is stuck: asClient cancels its
// context so that it can leave and the test ends cleanly, and fails the test.
func asClient(t *testing.T, tl drawing, f func(ctx context.Context)) (waited time.Duration) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type outcome struct {
		waited   time.Duration
		panicked string
	}
	done := make(chan outcome, 1)
	start := time.Now()
	end := tl.Begin("client")
	go func() {
		var o outcome
		defer func() {
			end()
			o.waited = time.Since(start)
			if v := recover(); v != nil {
				o.panicked = panicked(v)
			}
			done <- o
		}()
		f(ctx)
	}()
	select {
	case o := <-done:
		if o.panicked != "" {
			t.Fatal(o.panicked)
		}
		return o.waited
	case <-time.After(patience):
		picture := tl.String()
		cancel()
		<-done
		t.Fatalf("after %v the client was still waiting; nothing here takes that long. "+
			"Does something wait for a goroutine that never ends, or for a turn that never comes?\n%s",
			patience, picture)
		return 0
	}
}

// handle asks svc for user userID's dashboard as a client would.
func handle(t *testing.T, tl drawing, svc *fanout.Service, userID string) (fanout.Dashboard, time.Duration, error) {
	t.Helper()
	var d fanout.Dashboard
	var err error
	waited := asClient(t, tl, func(ctx context.Context) { d, err = svc.Handle(ctx, userID) })
	return d, waited, err
}

// lookup asks Lookup about keys as a client would.
func lookup(t *testing.T, tl drawing, b fanout.Backend, keys []string, limit int) ([]string, time.Duration, error) {
	t.Helper()
	var answers []string
	var err error
	waited := asClient(t, tl, func(ctx context.Context) { answers, err = fanout.Lookup(ctx, b, keys, limit) })
	return answers, waited, err
}

// letEverythingFinish sleeps past any work a test started (virtual time
// costs nothing), so that a query still running for a client who left can
// finish before the bubble ends. In correct code every goroutine has then
// exited; one still stuck makes the bubble panic: that is a leak.
func letEverythingFinish() {
	time.Sleep(time.Minute)
	synctest.Wait()
}

// A drawing is a timeline that draws the spans starting at the same
// instant in the order of their names. Goroutines started together begin
// in any order (the race detector even shuffles them on purpose), so the
// order they were recorded in would change from run to run; this way a
// drawing is the same every time.
type drawing struct{ *timeline.Timeline }

func newDrawing() drawing { return drawing{timeline.New()} }

func (d drawing) String() string {
	spans := d.Spans()
	slices.SortStableFunc(spans, func(a, b timeline.Span) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.Who, b.Who)
	})
	return timeline.Render(d.Origin(), time.Now(), spans)
}

// spansOf lists tl's spans as "who start-end", measured from the
// timeline's time zero, sorted: goroutines started at the same instant
// draw their spans in any order.
func spansOf(tl drawing) []string {
	var out []string
	for _, s := range tl.Spans() {
		out = append(out, fmt.Sprintf("%s %v-%v", s.Who, s.Start.Sub(tl.Origin()), s.End.Sub(tl.Origin())))
	}
	slices.Sort(out)
	return out
}

// assertStoppedBy checks that s got exactly one query and that it ended
// because its context was cancelled, with cause as the reason.
func assertStoppedBy(t *testing.T, tl drawing, s *spy, cause error, what string) {
	t.Helper()
	ends := s.endings()
	if !assert.Len(t, ends, 1, "%s should have been asked once, at 0s, alongside the others\n%s", s.Name(), tl) {
		return
	}
	e := ends[0]
	assert.True(t, e.ctxDone,
		"%s: the %q query ran to its end (error: %v); it should have been cancelled the moment %s failed, "+
			"since its answer was never going to be read. Give every query the context from errgroup.WithContext: "+
			"it is cancelled at the first error\n%s", s.Name(), e.query, e.err, what, tl)
	if e.ctxDone {
		assert.ErrorIs(t, e.cause, cause,
			"%s: the %q query was cancelled, but context.Cause says %v; want the first error (%v): "+
				"the query should be stopped by the failure itself\n%s", s.Name(), e.query, e.cause, cause, tl)
	}
}

// Exercise 1: wait for the max, not the sum.

func TestHandleWaitsForTheSlowestBackendNotTheSum(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		svc := fanout.NewService(
			newSpy(tl, "profiles", backend.Latency(time.Second)),
			newSpy(tl, "orders", backend.Latency(2*time.Second)),
			newSpy(tl, "recommendations", backend.Latency(3*time.Second)),
		)

		_, waited, err := handle(t, tl, svc, "42")
		timeline.Keep(t, "dashboard", tl.String())

		require.NoError(t, err, "every backend answered\n%s", tl)
		assert.Equal(t, 3*time.Second, waited,
			"the client waited %v; no query needs another's answer, so ask all three at once: "+
				"the client should wait for the slowest, max(1s, 2s, 3s) = 3s, not the sum, 1s + 2s + 3s = 6s\n%s",
			waited, tl)
		assert.Equal(t, []string{"client 0s-3s", "orders 0s-2s", "profiles 0s-1s", "recommendations 0s-3s"}, spansOf(tl),
			"all three queries should start at 0s, side by side, not one after the other\n%s", tl)
	})
}

func TestHandlePutsEachAnswerInItsOwnField(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, userID := range []string{"42", "7"} {
		t.Run("user "+userID, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				defer letEverythingFinish()
				tl := newDrawing()
				// The answers arrive in the opposite order to the fields.
				profiles := newSpy(tl, "profiles", backend.Latency(3*time.Second))
				orders := newSpy(tl, "orders", backend.Latency(2*time.Second))
				recommendations := newSpy(tl, "recommendations", backend.Latency(time.Second))
				svc := fanout.NewService(profiles, orders, recommendations)

				d, _, err := handle(t, tl, svc, userID)

				require.NoError(t, err, "every backend answered\n%s", tl)
				want := fanout.Dashboard{
					Profile:         "profiles: profile:" + userID,
					Orders:          "orders: orders:" + userID,
					Recommendations: "recommendations: recommendations:" + userID,
				}
				assert.Equal(t, want, d,
					"each field holds its own backend's answer to its own query, whatever order the answers arrive in")
				for _, b := range []*spy{profiles, orders, recommendations} {
					assert.Equal(t, 1, b.Calls(), "%s should be asked exactly once for a dashboard", b.Name())
				}
			})
		})
	}
}

// Exercise 2: the first error cancels the rest.

var errOrdersDown = errors.New("orders are down")

func TestTheFirstErrorEndsHandleAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		svc := fanout.NewService(
			newSpy(tl, "profiles", backend.Latency(5*time.Second)),
			newSpy(tl, "orders", backend.Latency(time.Second), backend.FailWith(errOrdersDown)),
			newSpy(tl, "recommendations", backend.Latency(10*time.Second)),
		)

		d, waited, err := handle(t, tl, svc, "42")

		require.ErrorIs(t, err, errOrdersDown,
			"orders failed at 1s, so Handle should fail with that error (wrapped with %%w)\n%s", tl)
		assert.Equal(t, time.Second, waited,
			"the client waited %v; orders failed at 1s, and a dashboard without orders is no dashboard: "+
				"Handle should return at 1s, not wait for the 5s and 10s answers nobody will read\n%s", waited, tl)
		assert.Equal(t, fanout.Dashboard{}, d, "a failed request returns an empty dashboard, not part of one")
	})
}

func TestTheFirstErrorCancelsTheOtherQueries(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		profiles := newSpy(tl, "profiles", backend.Latency(5*time.Second))
		orders := newSpy(tl, "orders", backend.Latency(time.Second), backend.FailWith(errOrdersDown))
		recommendations := newSpy(tl, "recommendations", backend.Latency(10*time.Second))
		svc := fanout.NewService(profiles, orders, recommendations)

		_, _, err := handle(t, tl, svc, "42")
		synctest.Wait()
		timeline.Keep(t, "dashboard-first-error", tl.String())

		require.ErrorIs(t, err, errOrdersDown, "orders failed at 1s, so Handle should fail with that error\n%s", tl)
		assertStoppedBy(t, tl, profiles, errOrdersDown, "orders")
		assertStoppedBy(t, tl, recommendations, errOrdersDown, "orders")
		for _, b := range []*spy{profiles, orders, recommendations} {
			assert.Zero(t, b.Stats().InFlight,
				"Handle has returned, yet %s is still working on a query for it\n%s", b.Name(), tl)
		}
		assert.Equal(t, []string{"client 0s-1s", "orders 0s-1s", "profiles 0s-1s", "recommendations 0s-1s"}, spansOf(tl),
			"every query should end at 1s, when orders failed\n%s", tl)
	})
}

func TestHandleReturnsTheFirstErrorNotTheCancellations(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		errRecommendationsDown := errors.New("recommendations are down")
		tl := newDrawing()
		svc := fanout.NewService(
			newSpy(tl, "profiles", backend.Latency(2*time.Second)),
			newSpy(tl, "orders", backend.Latency(time.Second), backend.FailWith(errOrdersDown)),
			newSpy(tl, "recommendations", backend.Latency(3*time.Second), backend.FailWith(errRecommendationsDown)),
		)

		_, _, err := handle(t, tl, svc, "42")

		require.Error(t, err, "orders failed at 1s, so Handle should fail\n%s", tl)
		assert.EqualError(t, err, "orders for user 42: orders are down",
			"orders failed first, at 1s; the other two then stopped because of it. Return that first error, "+
				"naming its part, not the cancellations it caused, nor all the errors joined\n%s", tl)
		assert.NotErrorIs(t, err, context.Canceled,
			"the client did not cancel anything: a cancellation is a consequence of the failure, not the news")
		assert.NotErrorIs(t, err, errRecommendationsDown,
			"recommendations would have failed at 3s, but by then nobody should have been asking")
	})
}

func TestHandleReturnsNoPartOfTheDashboardWhenAPartFails(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		// Profiles and recommendations answer before orders fails.
		svc := fanout.NewService(
			newSpy(tl, "profiles", backend.Latency(time.Second)),
			newSpy(tl, "orders", backend.Latency(3*time.Second), backend.FailWith(errOrdersDown)),
			newSpy(tl, "recommendations", backend.Latency(2*time.Second)),
		)

		d, _, err := handle(t, tl, svc, "42")

		require.ErrorIs(t, err, errOrdersDown, "orders failed at 3s, so Handle should fail with that error\n%s", tl)
		assert.Equal(t, fanout.Dashboard{}, d,
			"orders failed at 3s, after profiles and recommendations had answered, and Handle returned the error "+
				"together with a dashboard holding their answers: a caller that gets an error must not also get "+
				"part of a dashboard that looks like data. Return an empty Dashboard with every error\n%s", tl)
	})
}

func TestHandleReturnsOnlyAfterEveryQueryHasStopped(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		// Profiles and recommendations take 200ms to stop once cancelled.
		profiles := &slowToStop{spy: newSpy(tl, "profiles", backend.Latency(5*time.Second)), tl: tl, lag: 200 * time.Millisecond}
		recommendations := &slowToStop{spy: newSpy(tl, "recommendations", backend.Latency(10*time.Second)), tl: tl, lag: 200 * time.Millisecond}
		svc := fanout.NewService(profiles, newSpy(tl, "orders", backend.Latency(time.Second), backend.FailWith(errOrdersDown)), recommendations)

		var err error
		var stillRunning int64
		waited := asClient(t, tl, func(ctx context.Context) {
			_, err = svc.Handle(ctx, "42")
			stillRunning = profiles.running.Load() + recommendations.running.Load()
		})

		require.ErrorIs(t, err, errOrdersDown, "orders failed at 1s, so Handle should fail with that error\n%s", tl)
		assert.Zero(t, stillRunning,
			"Handle returned at %v, while %d of the queries it cancelled at 1s were still stopping (they take "+
				"200ms): they outlive the call that started them, and nobody will ever wait for them. Return only "+
				"when every goroutine of the call has ended: the error from g.Wait(), which waits for them all\n%s",
			waited, stillRunning, tl)
		assert.Equal(t, 1200*time.Millisecond, waited,
			"the client waited %v; orders failed at 1s and the other two queries took 200ms to stop, so Handle "+
				"should return at 1.2s, the moment the last of them has stopped\n%s", waited, tl)
	})
}

func TestHandleGivesUpWhenTheCallerDoes(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		profiles := newSpy(tl, "profiles", backend.Latency(time.Second))
		orders := newSpy(tl, "orders", backend.Latency(2*time.Second))
		recommendations := newSpy(tl, "recommendations", backend.Latency(3*time.Second))
		svc := fanout.NewService(profiles, orders, recommendations)

		var d fanout.Dashboard
		var err error
		waited := asClient(t, tl, func(ctx context.Context) {
			ctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond) // the client has 1.5s
			defer cancel()
			d, err = svc.Handle(ctx, "42")
		})
		synctest.Wait()

		assert.Equal(t, 1500*time.Millisecond, waited,
			"the client gave Handle 1.5s and waited %v: Handle should give up at its caller's deadline, "+
				"not wait for the 2s and 3s answers: make the group from the caller's ctx\n%s", waited, tl)
		require.ErrorIs(t, err, context.DeadlineExceeded,
			"the client's 1.5s ran out, so Handle should fail with an error wrapping context.DeadlineExceeded\n%s", tl)
		assert.Equal(t, fanout.Dashboard{}, d, "a failed request returns an empty dashboard, not part of one")
		assertStoppedBy(t, tl, orders, context.DeadlineExceeded, "the client's deadline")
		assertStoppedBy(t, tl, recommendations, context.DeadlineExceeded, "the client's deadline")
	})
}

// Exercise 3: bounded concurrency.

func TestLookupKeepsAtMostLimitQueriesInFlight(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		keys, limit int
		want        time.Duration // ⌈keys/limit⌉ rounds of 1s
		rounds      string
	}{
		{keys: 6, limit: 2, want: 3 * time.Second, rounds: "⌈6/2⌉ = 3"},
		{keys: 6, limit: 4, want: 2 * time.Second, rounds: "⌈6/4⌉ = 2"},
		{keys: 3, limit: 5, want: time.Second, rounds: "⌈3/5⌉ = 1"},
		{keys: 3, limit: 1, want: 3 * time.Second, rounds: "⌈3/1⌉ = 3"}, // one at a time is allowed: the sum again
	} {
		t.Run(fmt.Sprintf("%d keys, limit %d", tc.keys, tc.limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				defer letEverythingFinish()
				tl := newDrawing()
				search := newSpy(tl, "search", backend.Latency(time.Second))
				var keys, want []string
				for i := range tc.keys {
					keys = append(keys, fmt.Sprintf("k%d", i+1))
					want = append(want, fmt.Sprintf("search: k%d", i+1))
				}

				answers, waited, err := lookup(t, tl, search, keys, tc.limit)
				timeline.Keep(t, fmt.Sprintf("lookup-%d-keys-limit-%d", tc.keys, tc.limit), tl.String())

				require.NoError(t, err, "the backend answered every key\n%s", tl)
				assert.Equal(t, want, answers, "one answer per key, in the order of the keys")
				assert.Equal(t, tc.keys, search.Calls(), "each key should be asked exactly once")
				assert.Equal(t, min(tc.keys, tc.limit), search.PeakInFlight(),
					"the backend had at most %d queries in flight at once; want exactly %d: never more than the "+
						"limit (call SetLimit before the first Go), and not fewer (one at a time is the sum again)\n%s",
					search.PeakInFlight(), min(tc.keys, tc.limit), tl)
				assert.Equal(t, tc.want, waited,
					"the client waited %v; %d keys of 1s, %d at a time, take %s rounds of 1s = %v\n%s",
					waited, tc.keys, tc.limit, tc.rounds, tc.want, tl)
			})
		})
	}
}

func TestLookupReturnsAnswersInKeyOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		keys := []string{"a", "b", "c", "d", "e"}
		// The first key is the slowest: the answers arrive e, d, c, b, a.
		latency := map[string]time.Duration{"a": 5 * time.Second, "b": 4 * time.Second, "c": 3 * time.Second, "d": 2 * time.Second, "e": time.Second}
		b := newPerKey(tl, keys, func(key string) []backend.Option {
			return []backend.Option{backend.Latency(latency[key])}
		})

		answers, waited, err := lookup(t, tl, b, keys, len(keys))

		require.NoError(t, err, "every key was answered\n%s", tl)
		assert.Equal(t, []string{"answer to a", "answer to b", "answer to c", "answer to d", "answer to e"}, answers,
			"answers[i] must be the answer to keys[i], although e's answer arrives first and a's last: "+
				"give each goroutine its own slot to write, instead of appending as answers come in\n%s", tl)
		assert.Equal(t, 5*time.Second, waited,
			"the client waited %v; with room for all 5 keys at once, it waits for the slowest, 5s\n%s", waited, tl)
	})
}

func TestLookupStartsTheNextKeyTheMomentATurnFrees(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		keys := []string{"a", "b", "c", "d"}
		// Key a takes 3s, the others 1s.
		b := newPerKey(tl, keys, func(key string) []backend.Option {
			if key == "a" {
				return []backend.Option{backend.Latency(3 * time.Second)}
			}
			return []backend.Option{backend.Latency(time.Second)}
		})

		answers, waited, err := lookup(t, tl, b, keys, 2)

		require.NoError(t, err, "every key was answered\n%s", tl)
		assert.Len(t, answers, len(keys), "one answer per key")
		assert.Equal(t, 3*time.Second, waited,
			"the client waited %v; with 2 turns, a takes one for 3s while b, c and d take the other for 1s each, "+
				"one after the other: 3s in all. Each key should start the moment a turn frees up, not wait for a "+
				"whole batch to finish (a and b, then c and d, take 3s + 1s = 4s)\n%s", waited, tl)
		assert.Equal(t, []string{"client 0s-3s", "key a 0s-3s", "key b 0s-1s", "key c 1s-2s", "key d 2s-3s"}, spansOf(tl),
			"key c should start at 1s, when b is done, and d at 2s, when c is done\n%s", tl)
	})
}

var errSearchDown = errors.New("search is down")

// failingAtB is the backend of the error tests: key b fails after 1s, every
// other key would take 5s.
func failingAtB(tl drawing, keys []string) perKey {
	return newPerKey(tl, keys, func(key string) []backend.Option {
		if key == "b" {
			return []backend.Option{backend.Latency(time.Second), backend.FailWith(errSearchDown)}
		}
		return []backend.Option{backend.Latency(5 * time.Second)}
	})
}

func TestLookupReturnsTheFirstErrorAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		keys := []string{"a", "b", "c", "d", "e", "f"}

		answers, waited, err := lookup(t, tl, failingAtB(tl, keys), keys, 2)

		require.ErrorIs(t, err, errSearchDown, "key b failed at 1s, so Lookup should fail with its error\n%s", tl)
		assert.EqualError(t, err, "key b: search is down", "the error should name the key that failed")
		assert.Equal(t, time.Second, waited,
			"the client waited %v; key b failed at 1s and one missing answer fails the whole lookup: "+
				"Lookup should return at 1s\n%s", waited, tl)
		assert.Nil(t, answers, "a failed lookup returns no answers")
	})
}

func TestLookupCancelsTheRestAfterTheFirstError(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := newDrawing()
		keys := []string{"a", "b", "c", "d", "e", "f"}
		b := failingAtB(tl, keys)

		_, _, err := lookup(t, tl, b, keys, 2)
		synctest.Wait()
		timeline.Keep(t, "lookup-first-error", tl.String())

		require.ErrorIs(t, err, errSearchDown, "key b failed at 1s, so Lookup should fail with its error\n%s", tl)
		assertStoppedBy(t, tl, b["a"], errSearchDown, "key b")
		for _, key := range keys[2:] {
			assert.Zero(t, b[key].Calls(),
				"key %s was still waiting for its turn when key b failed, so nobody will read its answer: "+
					"it should never be sent. Check the group's context before you ask\n%s", key, tl)
		}
	})
}

func TestLookupGivesUpWhenTheCallerDoes(t *testing.T) {
	defer goleak.VerifyNone(t)
	keys := []string{"a", "b", "c", "d", "e", "f"}
	t.Run("its deadline passes during the lookup", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			defer failOnPanic(t)
			defer letEverythingFinish()
			tl := newDrawing()
			b := newPerKey(tl, keys, func(string) []backend.Option { return []backend.Option{backend.Latency(time.Second)} })

			var answers []string
			var err error
			waited := asClient(t, tl, func(ctx context.Context) {
				ctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond) // the client has 1.5s
				defer cancel()
				answers, err = fanout.Lookup(ctx, b, keys, 2)
			})
			synctest.Wait()

			assert.Equal(t, 1500*time.Millisecond, waited,
				"the client gave Lookup 1.5s and waited %v: Lookup should give up at its caller's deadline: make "+
					"the group from the caller's ctx\n%s", waited, tl)
			require.ErrorIs(t, err, context.DeadlineExceeded,
				"the client's 1.5s ran out, so Lookup should fail with an error wrapping context.DeadlineExceeded\n%s", tl)
			assert.Nil(t, answers, "a failed lookup returns no answers")
			for _, key := range []string{"c", "d"} {
				assertStoppedBy(t, tl, b[key], context.DeadlineExceeded, "the client's deadline")
			}
			for _, key := range []string{"e", "f"} {
				assert.Zero(t, b[key].Calls(),
					"key %s was still waiting for its turn when the client's deadline passed: it should never be sent\n%s", key, tl)
			}
		})
	})
	t.Run("it had given up before it asked", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			defer failOnPanic(t)
			defer letEverythingFinish()
			tl := newDrawing()
			b := newPerKey(tl, keys, func(string) []backend.Option { return []backend.Option{backend.Latency(time.Second)} })

			var answers []string
			var err error
			waited := asClient(t, tl, func(ctx context.Context) {
				ctx, cancel := context.WithCancel(ctx)
				cancel() // the client gave up before it even asked
				answers, err = fanout.Lookup(ctx, b, keys, 2)
			})

			require.ErrorIs(t, err, context.Canceled,
				"the client had already cancelled, yet Lookup returned %d answers and no error: a caller who "+
					"gets no error takes the answers for real ones. When no key failed but the loop stopped "+
					"early, g.Wait() has no error to give: return the context's\n%s", len(answers), tl)
			assert.Nil(t, answers, "a failed lookup returns no answers")
			assert.Zero(t, waited, "the client had already cancelled, so Lookup should not wait at all\n%s", tl)
			for _, key := range keys {
				assert.Zero(t, b[key].Calls(), "the client had already cancelled, yet key %s was sent\n%s", key, tl)
			}
		})
	})
}

func TestLookupRefusesALimitBelowOne(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, limit := range []int{-1, 0} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				defer letEverythingFinish()
				tl := newDrawing()
				search := newSpy(tl, "search", backend.Latency(time.Second))

				panicked := make(chan any, 1)
				go func() {
					defer func() { panicked <- recover() }()
					fanout.Lookup(t.Context(), search, []string{"k1", "k2", "k3"}, limit)
				}()

				select {
				case v := <-panicked:
					assert.NotNil(t, v,
						"Lookup with limit %d returned; it should panic: a limit below 1 is a programming error "+
							"(errgroup would read -1 as no limit at all, and 0 as never start one)", limit)
				case <-time.After(patience):
					t.Fatalf("Lookup with limit %d was still running after %v: with SetLimit(0) no goroutine can "+
						"ever start, and Go waits forever. Check the limit before anything else, and panic", limit, patience)
				}
				assert.Zero(t, search.Calls(), "with limit %d, no query should be sent at all", limit)
			})
		})
	}
}

// A panic in the code under test would crash the whole test binary: the
// tests after it would never run, and their results would vanish. So the
// client contains the panics of Handle and Lookup, and a panic on the
// test's own goroutine fails that test alone. (A panic in a function given
// to errgroup's Go runs on a goroutine of its own and cannot be caught
// here: `go run ./checker 03` then re-runs the tests one by one.)

// failOnPanic, deferred first in a test's function, turns a panic on the
// test's own goroutine into a failure of this test alone.
func failOnPanic(t *testing.T) {
	if v := recover(); v != nil {
		t.Fatal(panicked(v))
	}
}

// panicked describes a recovered panic, with the stack of the goroutine
// that raised it; call it in the deferred function that recovered.
func panicked(v any) string {
	return fmt.Sprintf("panic: %v\n\nYour code panicked, so this test stops here (the other tests still run). "+
		"The first lines of the stack below that name a file of yours say where:\n%s", v, debug.Stack())
}
