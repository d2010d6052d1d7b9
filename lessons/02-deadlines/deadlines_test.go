package deadlines_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	deadlines "github.com/wherewaiting/workshop/lessons/02-deadlines"
)

// db adapts the simulated backend to the service's Database, and writes
// down how much time each query's context had left when the query arrived.
// Inside a synctest bubble that figure is exact.
type db struct {
	*backend.Backend

	mu       sync.Mutex
	arrivals []arrival
}

// arrival is one query as the database saw it come in.
type arrival struct {
	query       string
	left        time.Duration // time until the context's deadline
	hasDeadline bool
}

// Query records the arrival, then calls the backend.
func (d *db) Query(ctx context.Context, q string) (string, error) {
	a := arrival{query: q}
	if deadline, ok := ctx.Deadline(); ok {
		a.left, a.hasDeadline = time.Until(deadline), true
	}
	d.mu.Lock()
	d.arrivals = append(d.arrivals, a)
	d.mu.Unlock()
	return d.Call(ctx, q)
}

func (d *db) seen() []arrival {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]arrival(nil), d.arrivals...)
}

// newDB returns a database drawn on tl that knows one user, Ada, and her
// orders. Call it inside the bubble.
func newDB(tl *timeline.Timeline, opts ...backend.Option) *db {
	answer := func(_ int, q string) string {
		if user, ok := strings.CutPrefix(q, "orders:"); ok {
			return "orders of " + user
		}
		return "Ada"
	}
	opts = append([]backend.Option{backend.Record(tl), backend.Reply(answer)}, opts...)
	return &db{Backend: backend.New("database", opts...)}
}

// userThenOrders makes the user query (the first call) take user and the
// orders query (the second) take orders.
func userThenOrders(user, orders time.Duration) backend.Option {
	return backend.LatencyFunc(func(n int) time.Duration {
		if n == 1 {
			return user
		}
		return orders
	})
}

// visited is what one client got from Handle, and how long it waited.
type visited struct {
	page     deadlines.Page
	waited   time.Duration
	err      error
	panicked string // the panic and its stack, if Handle panicked
}

// tryVisit calls Handle for user 42 as a client would and draws the
// client's wait on tl. It never panics: a panic in Handle comes back in
// panicked, so that the test can fail alone instead of ending the run.
func tryVisit(ctx context.Context, tl *timeline.Timeline, svc *deadlines.Service) (v visited) {
	start := time.Now()
	end := tl.Begin("client")
	defer func() {
		end()
		v.waited = time.Since(start)
		if p := recover(); p != nil {
			v.panicked = fmt.Sprintf("%v\n%s", p, debug.Stack())
		}
	}()
	v.page, v.err = svc.Handle(ctx, "42")
	return v
}

// visit is tryVisit on the test's own goroutine: a panic in Handle fails
// the test at once, with the panic and where it happened.
func visit(t *testing.T, ctx context.Context, tl *timeline.Timeline, svc *deadlines.Service) (deadlines.Page, time.Duration, error) {
	t.Helper()
	v := tryVisit(ctx, tl, svc)
	failIfPanicked(t, v)
	return v.page, v.waited, v.err
}

// failOnPanic, deferred first in a test's function, turns a panic on the
// test's own goroutine (in NewService, say) into a failure of this test
// alone, instead of a crash that ends the whole run. A panic on a
// goroutine the code under test starts itself cannot be caught here:
// `go run ./checker 02` then re-runs the tests one by one.
func failOnPanic(t *testing.T) {
	if v := recover(); v != nil {
		t.Fatalf("panic: %v\n\nYour code panicked, so this test stops here (the other tests still run). "+
			"The first lines of the stack below that name a file of yours say where:\n%s", v, debug.Stack())
	}
}

func failIfPanicked(t *testing.T, v visited) {
	t.Helper()
	if v.panicked != "" {
		t.Fatalf("Handle panicked after %v, so this test stops here (the others still run). "+
			"The first lines below in a file of yours say where:\npanic: %s", v.waited, v.panicked)
	}
}

// letEverythingFinish sleeps past any work a test started (virtual time
// costs nothing), so that a database still working for a client who left
// can finish before the bubble ends. In correct code every goroutine has
// then exited; one still stuck, say on a send nobody will ever receive,
// makes the bubble panic: that is a leak.
func letEverythingFinish() {
	time.Sleep(time.Minute)
	synctest.Wait()
}

// assertLeft checks how much time a query's context had left on arrival.
func assertLeft(t *testing.T, tl *timeline.Timeline, got arrival, want time.Duration, why string) {
	t.Helper()
	if !got.hasDeadline {
		t.Errorf("the %q query reached the database with no deadline at all; want %v left (%s).\n"+
			"The database cannot know when its caller stops waiting: derive the query's context from ctx.\n%s",
			got.query, want, why, tl)
		return
	}
	assert.Equal(t, want, got.left,
		"the %q query reached the database with %v left; want %v (%s).\n"+
			"A query's deadline must come from the caller's ctx, not from context.Background().\n%s",
		got.query, got.left, want, why, tl)
}

// rounds is how many times the tests below play one race. When two things
// happen at the same virtual instant (the database's answer and the
// deadline), which of them a select sees first is up to the scheduler, so
// one round proves little. Each wrong answer these tests look for loses at
// least 22% of the rounds in every setting measured (1,000 rounds each,
// with and without -race, GOMAXPROCS 1 to 8; each test gives its figures),
// so 200 independent rounds, each asserting, catch it with probability
// above 1 − 0.78^200 > 1 − 2^-70: in practice, every time.
const rounds = 200

// A socketDriver is a database driver that never watches ctx.Done().
// Instead it copies ctx's deadline onto its connection, as drivers built on
// net.Conn do with SetDeadline, and when that deadline passes it fails with
// the connection's own error, "read tcp: i/o timeout", which does not wrap
// ctx.Err(). It fails at the very instant the deadline passes: the instant
// ctx's own timer fires too. (A gRPC client is alike: its DeadlineExceeded
// status is not context.DeadlineExceeded for errors.Is.)
type socketDriver struct {
	tl      *timeline.Timeline
	latency time.Duration // how long a query takes when no deadline stops it
}

func (d socketDriver) Query(ctx context.Context, q string) (string, error) {
	defer d.tl.Begin("database")()
	work := time.NewTimer(d.latency)
	defer work.Stop()
	var passed <-chan time.Time // nil, never ready, when ctx has no deadline
	if deadline, ok := ctx.Deadline(); ok {
		socket := time.NewTimer(time.Until(deadline))
		defer socket.Stop()
		passed = socket.C
	}
	select {
	case <-work.C:
		return "Ada", nil
	case <-passed:
		return "", &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}
	}
}

// Exercise 1: the deadline travels down the chain.

func TestOrdersQueryGetsWhatIsLeftOfTheBudget(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, userThenOrders(7*time.Second, time.Second))
		svc := deadlines.NewService(db, time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()

		page, _, err := visit(t, ctx, tl, svc)

		require.NoError(t, err, "30s is plenty for 7s + 1s of queries\n%s", tl)
		require.Equal(t, deadlines.Page{User: "Ada", Orders: "orders of Ada"}, page,
			"Handle should ask for the user, then for that user's orders")
		seen := db.seen()
		require.Len(t, seen, 2, "the database should see two queries, user then orders")
		assertLeft(t, tl, seen[0], 30*time.Second, "the client gave 30s and nothing was spent yet")
		assertLeft(t, tl, seen[1], 23*time.Second, "the client gave 30s and the user query spent 7s: 30s − 7s")
	})
}

func TestQueryTimeoutNeverExtendsTheClientsDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()

		_, _, err := visit(t, ctx, tl, svc)

		require.NoError(t, err, "5s is plenty for two 1s queries\n%s", tl)
		seen := db.seen()
		require.Len(t, seen, 2, "the database should see two queries, user then orders")
		assertLeft(t, tl, seen[0], 5*time.Second,
			"the client has only 5s; a 10s query timeout must not give the query more than its caller has")
		assertLeft(t, tl, seen[1], 4*time.Second,
			"the client has 5s − 1s = 4s left; the query timeout of 10s must not extend that")
	})
}

func TestQueryTimeoutBoundsEveryQueryWithoutAClientDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx := t.Context()
		_, clientHasDeadline := ctx.Deadline()
		require.False(t, clientHasDeadline, "this test needs a client without a deadline")

		_, _, err := visit(t, ctx, tl, svc)

		require.NoError(t, err, "two 1s queries fit in a 10s query timeout\n%s", tl)
		seen := db.seen()
		require.Len(t, seen, 2, "the database should see two queries, user then orders")
		assertLeft(t, tl, seen[0], 10*time.Second,
			"the client set no deadline, so the query timeout alone bounds the query")
		assertLeft(t, tl, seen[1], 10*time.Second,
			"each query gets its own 10s: start the query timeout per query, not once per request")
	})
}

func TestNewServiceRefusesAQueryTimeoutThatIsNotPositive(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, queryTimeout := range []time.Duration{0, -time.Second} {
		t.Run(fmt.Sprintf("query timeout %v", queryTimeout), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				db := newDB(timeline.New(), backend.Latency(time.Second))

				assert.Panics(t, func() { deadlines.NewService(db, queryTimeout) },
					"NewService(db, %v) returned a service; it should panic. With a query timeout that is not "+
						"positive every query fails at once, as if the database were down: a bad setting is a bug "+
						"to find when the service starts, not in the first request (lesson 01 panics on a pool of 0 "+
						"for the same reason)", queryTimeout)
			})
		})
	}
}

// Exercise 2: give up exactly at the deadline, and say where.

func TestHandleGivesUpExactlyAtTheDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(5*time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()

		_, waited, err := visit(t, ctx, tl, svc)
		synctest.Wait() // a database that listens has stopped by now
		timeline.Keep(t, "gives-up-at-the-deadline", tl.String())

		assert.Equal(t, time.Second, waited,
			"the client waited %v; its deadline was 1s, so Handle should give up at exactly 1s, "+
				"not wait out a 5s database\n%s", waited, tl)
		require.ErrorIs(t, err, context.DeadlineExceeded,
			"a client whose 1s ran out should get an error wrapping context.DeadlineExceeded\n%s", tl)
		assert.Zero(t, db.Stats().InFlight,
			"the client left at 1s but the database is still working for it: pass the caller's ctx "+
				"down, so that a database that listens can stop when nobody waits any more\n%s", tl)
		assert.Equal(t, 1, db.Calls(),
			"the orders query should never be sent after the user query ran out of time")
	})
}

func TestDeadlineErrorNamesTheStep(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name         string
		user, orders time.Duration
		want         string // how the error should start
	}{
		{name: "user query too slow", user: 5 * time.Second, orders: 0, want: "user 42: "},
		{name: "orders query too slow", user: 500 * time.Millisecond, orders: 5 * time.Second, want: "orders for user 42: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				defer letEverythingFinish()
				tl := timeline.New()
				db := newDB(tl, userThenOrders(tc.user, tc.orders))
				svc := deadlines.NewService(db, 10*time.Second)
				ctx, cancel := context.WithTimeout(t.Context(), time.Second)
				defer cancel()

				_, _, err := visit(t, ctx, tl, svc)

				require.ErrorIs(t, err, context.DeadlineExceeded,
					"with a 1s budget the %s should run out of time\n%s", tc.name, tl)
				assert.True(t, strings.HasPrefix(err.Error(), tc.want),
					"got error %q; want it to start with %q, so that whoever reads it knows which wait ran out: "+
						"wrap it with fmt.Errorf and %%w\n%s", err, tc.want, tl)
			})
		})
	}
}

func TestHandleStopsWaitingTheMomentTheClientCancels(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(5*time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(2*time.Second, cancel) // the user closes the tab after 2s

		_, waited, err := visit(t, ctx, tl, svc)

		assert.Equal(t, 2*time.Second, waited,
			"the client waited %v; it cancelled at 2s, so Handle should return at exactly 2s\n%s", waited, tl)
		require.ErrorIs(t, err, context.Canceled,
			"a cancelled client should get an error wrapping context.Canceled\n%s", tl)
		assert.NotErrorIs(t, err, context.DeadlineExceeded,
			"nobody's deadline passed: the client cancelled, so the error should be context.Canceled only")
		synctest.Wait()
		assert.Zero(t, db.Stats().InFlight,
			"the client cancelled at 2s but the database is still working for it: "+
				"cancellation must reach the database too\n%s", tl)
	})
}

func TestTheErrorSaysWhoseLimitRanOut(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name           string
		picture        string        // the name of the drawing kept for the slides
		budget         time.Duration // the client's
		queryTimeout   time.Duration // the service's
		ourLimit       bool          // whether the query timeout ran out first
		whose, fixedBy string
	}{
		{
			name: "the query timeout runs out first", picture: "whose-limit-query-timeout",
			budget: 10 * time.Second, queryTimeout: 2 * time.Second, ourLimit: true,
			whose:   "the service's own 2s query timeout ran out while the client still had 8s",
			fixedBy: "a slow database, or a query timeout too tight for it",
		},
		{
			name: "the client's deadline runs out first", picture: "whose-limit-client-deadline",
			budget: time.Second, queryTimeout: 2 * time.Second, ourLimit: false,
			whose:   "the client's 1s deadline ran out before the 2s query timeout",
			fixedBy: "a caller whose budget was too short, or spent before it reached us",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				defer letEverythingFinish()
				tl := timeline.New()
				db := newDB(tl, backend.Latency(5*time.Second))
				svc := deadlines.NewService(db, tc.queryTimeout)
				ctx, cancel := context.WithTimeout(t.Context(), tc.budget)
				defer cancel()

				_, waited, err := visit(t, ctx, tl, svc)
				synctest.Wait() // a database that listens has stopped by now
				timeline.Keep(t, tc.picture, fmt.Sprintf("client's budget %v, query timeout %v\nerror: %v\n%s",
					tc.budget, tc.queryTimeout, err, tl))

				want := min(tc.budget, tc.queryTimeout)
				assert.Equal(t, want, waited,
					"the client waited %v; %s, so Handle should give up at exactly %v\n%s", waited, tc.whose, want, tl)
				require.ErrorIs(t, err, context.DeadlineExceeded,
					"%s: the error should still wrap context.DeadlineExceeded, so that callers can tell a timeout "+
						"from any other failure: keep ctx.Err() in it\n%s", tc.whose, tl)
				if tc.ourLimit {
					assert.ErrorIs(t, err, deadlines.ErrQueryTimeout,
						"got %q, but %s: say so, with errors.Is(err, ErrQueryTimeout), because the cure is "+
							"ours to find (%s). Make the query's context with "+
							"context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout), and when it is done "+
							"return ctx.Err() together with context.Cause(ctx)\n%s", err, tc.whose, tc.fixedBy, tl)
				} else {
					assert.NotErrorIs(t, err, deadlines.ErrQueryTimeout,
						"got %q, but %s: the query timeout did not fire, so the error must not blame it; "+
							"the cure lies with the caller (%s)\n%s", err, tc.whose, tc.fixedBy, tl)
				}
			})
		})
	}
}

func TestTheErrorSaysWhoseLimitRanOutWhenTheDatabaseTimesOutToo(t *testing.T) {
	// The database keeps the deadline itself and fails, in its own words, at
	// the instant the query's context ends: the service then has the
	// database's error and a done context at the same time. Code that lets
	// whichever came first decide loses "timeout" and "whose" in 48–52% of
	// the rounds; code that asks only ctx.Err(), which the database can beat
	// by an instant, in 24–26% under -race and about 49% without it.
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		for round := range rounds {
			// Even rounds: the service's 2s query timeout ends first.
			// Odd rounds: the client's 1s deadline does.
			ourLimit := round%2 == 0
			budget, whose := time.Second, "the client's 1s deadline ran out before the 2s query timeout"
			if ourLimit {
				budget, whose = 10*time.Second, "the service's own 2s query timeout ran out while the client still had 8s"
			}
			tl := timeline.New()
			svc := deadlines.NewService(socketDriver{tl: tl, latency: 5 * time.Second}, 2*time.Second)
			ctx, cancel := context.WithTimeout(t.Context(), budget)

			_, waited, err := visit(t, ctx, tl, svc)
			cancel()
			// The database gave up at this same instant: let it record
			// its end before the picture is drawn, so the picture is the
			// same in every run.
			synctest.Wait()
			picture := fmt.Sprintf("client's budget %v, query timeout 2s, a database that times out by itself\n"+
				"error: %v\n%s", budget, err, tl)
			if round == 0 {
				timeline.Keep(t, "database-times-out-too", picture)
			}

			want := min(budget, 2*time.Second)
			require.Equal(t, want, waited,
				"round %d of %d: the client waited %v; %s, so Handle should give up at exactly %v\n%s",
				round+1, rounds, waited, whose, want, picture)
			require.ErrorIs(t, err, context.DeadlineExceeded,
				"round %d of %d: %s, and at that same instant the database gave up too, with an error of its own "+
					"(%q) that does not wrap context.DeadlineExceeded. Both were ready at once, and your code let "+
					"the database's error through: callers can no longer tell a timeout from any other failure. "+
					"Decide from the query's context, not from which came first: when the query fails and its "+
					"context is done, or its deadline has come (ctx.Deadline(); the database's timer can beat "+
					"ctx's by an instant), return ctx.Err() with its cause\n%s",
				round+1, rounds, whose, "read tcp: i/o timeout", picture)
			if ourLimit {
				require.ErrorIs(t, err, deadlines.ErrQueryTimeout,
					"round %d of %d: %s, and the database gave up at the same instant in its own words; the error "+
						"must still say it was our limit (errors.Is(err, ErrQueryTimeout)): take it from "+
						"context.Cause of the query's context, whichever came first\n%s",
					round+1, rounds, whose, picture)
			} else {
				require.NotErrorIs(t, err, deadlines.ErrQueryTimeout,
					"round %d of %d: %s: the query timeout did not fire, so the error must not blame it\n%s",
					round+1, rounds, whose, picture)
			}
		}
	})
}

func TestADatabaseErrorBeforeTheDeadlineIsNotCalledATimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		refused := errors.New("connection refused")
		tl := timeline.New()
		db := newDB(tl, backend.Latency(time.Second), backend.FailWith(refused))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()

		_, waited, err := visit(t, ctx, tl, svc)

		require.ErrorIs(t, err, refused,
			"the database refused the user query at 1s, long before any deadline: the caller should get "+
				"that error, wrapped with %%w\n%s", tl)
		assert.Equal(t, time.Second, waited,
			"the client waited %v; the database failed at 1s, so Handle should return at 1s, not wait "+
				"for a deadline\n%s", waited, tl)
		assert.NotErrorIs(t, err, context.DeadlineExceeded,
			"got %q: nobody's deadline had come when the database failed at 1s, so this is no timeout. "+
				"Treat a failure as the context's only when the context is done or its deadline has come\n%s", err, tl)
		assert.NotErrorIs(t, err, deadlines.ErrQueryTimeout,
			"got %q: the 10s query timeout did not fire, so the error must not blame it\n%s", err, tl)
	})
}

func TestNoQueryIsSentOnceTheDeadlineHasCome(t *testing.T) {
	// The user query answers at 1s, the instant the client's deadline
	// passes. Code that sends the orders query without checking the time
	// left sends it, for nobody, in 45–53% of the rounds; code that checks
	// only ctx.Err(), which the answer can beat by an instant, in 22–28%
	// under -race and about 50% without it.
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		for round := range rounds {
			tl := timeline.New()
			db := newDB(tl, backend.Latency(time.Second))
			svc := deadlines.NewService(db, 10*time.Second)
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)

			_, waited, err := visit(t, ctx, tl, svc)
			cancel()
			synctest.Wait() // a query sent for nobody has reached the database by now

			require.Equal(t, time.Second, waited,
				"round %d of %d: the client waited %v; its deadline was 1s\n%s", round+1, rounds, waited, tl)
			require.ErrorIs(t, err, context.DeadlineExceeded,
				"round %d of %d: the client's 1s ran out, so it should get an error wrapping "+
					"context.DeadlineExceeded\n%s", round+1, rounds, tl)
			require.Equal(t, 1, db.Calls(),
				"round %d of %d: the user query answered at 1s, the very instant the client's deadline came, and "+
					"then the orders query was sent anyway: %d queries reached the database, want 1. Nobody waits "+
					"for that answer any more. Before you send a query, check that there is time left: the "+
					"context is not done, and its deadline (ctx.Deadline()) has not come, since it can come an "+
					"instant before ctx.Done() is closed\n%s", round+1, rounds, db.Calls(), tl)
		}
	})
}

func TestHandleReturnsNoPageWhenAStepFails(t *testing.T) {
	defer goleak.VerifyNone(t)
	refused := errors.New("connection refused")
	for _, tc := range []struct {
		name   string
		budget time.Duration
		opts   []backend.Option
	}{
		{name: "the database refuses the orders query", budget: 30 * time.Second,
			opts: []backend.Option{backend.Latency(time.Second), backend.FailFunc(func(n int) error {
				if n == 2 {
					return refused
				}
				return nil
			})}},
		{name: "the client's deadline passes during the orders query", budget: 1500 * time.Millisecond,
			opts: []backend.Option{backend.Latency(time.Second)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				defer letEverythingFinish()
				tl := timeline.New()
				db := newDB(tl, tc.opts...)
				svc := deadlines.NewService(db, 10*time.Second)
				ctx, cancel := context.WithTimeout(t.Context(), tc.budget)
				defer cancel()

				page, _, err := visit(t, ctx, tl, svc)

				require.Error(t, err, "%s, so Handle should fail\n%s", tc.name, tl)
				assert.Equal(t, deadlines.Page{}, page,
					"%s, and Handle returned the error together with a page that has the user in it (%+v): a "+
						"caller that gets an error must not also get half a page that looks like data. Return an "+
						"empty Page with every error\n%s", tc.name, page, tl)
			})
		})
	}
}

// Exercise 3: a database that does not listen must not hold the caller.

func TestCallerIsNotHeldByADatabaseThatIgnoresItsContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(5*time.Second), backend.IgnoreContext())
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()

		_, waited, err := visit(t, ctx, tl, svc)
		timeline.Keep(t, "deaf-database", tl.String()) // what the client saw; completed below

		assert.Equal(t, time.Second, waited,
			"the client waited %v although its deadline was 1s: a database that ignores its context "+
				"holds the caller for its whole 5s. Run the query in a goroutine and select on its "+
				"result and on ctx.Done()\n%s", waited, tl)
		require.ErrorIs(t, err, context.DeadlineExceeded,
			"a client whose 1s ran out should get an error wrapping context.DeadlineExceeded\n%s", tl)

		// The client has gone; the deaf database is still at it, and that is
		// what the timeline must show.
		synctest.Wait()
		require.Equal(t, 1, db.Stats().InFlight,
			"at 1s the deaf database should still be working on the user query\n%s", tl)

		// Let it finish. Its answer goes into the channel nobody reads any
		// more; the goroutine must still be able to exit. If it cannot (an
		// unbuffered channel), the bubble panics below: "blocked goroutines
		// remain".
		time.Sleep(5 * time.Second)
		synctest.Wait()
		assert.Zero(t, db.Stats().InFlight, "at 6s the database should have answered\n%s", tl)
		assert.Equal(t, 1, db.Calls(),
			"the orders query should never be sent after the user query ran out of time\n%s", tl)
		timeline.Keep(t, "deaf-database", tl.String())
		t.Logf("the client left at 1s; the deaf database worked on until 5s, for nobody:\n%s", tl)
	})
}

func TestQueryTimeoutFreesTheCallerFromAHangingDatabase(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Hang(), backend.IgnoreContext())
		defer db.Release() // ends the abandoned call, so that nothing is left blocked
		svc := deadlines.NewService(db, 2*time.Second)

		done := make(chan visited, 1)
		go func() { done <- tryVisit(t.Context(), tl, svc) }()

		select {
		case got := <-done:
			failIfPanicked(t, got)
			assert.Equal(t, 2*time.Second, got.waited,
				"the client set no deadline and waited %v; the 2s query timeout alone should free it "+
					"from a database that never answers\n%s", got.waited, tl)
			assert.ErrorIs(t, got.err, context.DeadlineExceeded,
				"a query that ran out of its 2s should fail with context.DeadlineExceeded\n%s", tl)
		case <-time.After(time.Minute):
			t.Errorf("the client was still waiting after a minute for a database that never answers "+
				"and ignores its context; with a 2s query timeout it should give up at 2s. "+
				"Waiting must not depend on the database listening: select on ctx.Done()\n%s", tl)
			db.Release()
			<-done
		}
	})
}

func TestNoQueryGoroutineOutlivesItsDatabaseCall(t *testing.T) {
	defer goleak.VerifyNone(t)
	refused := errors.New("connection refused")
	for _, tc := range []struct {
		name         string
		budget       time.Duration // the client's; 0 for none
		cancelAt     time.Duration // when the client cancels; 0 for never
		queryTimeout time.Duration
		opts         []backend.Option
	}{
		{name: "the database answers", budget: 5 * time.Second, queryTimeout: 10 * time.Second,
			opts: []backend.Option{backend.Latency(time.Second)}},
		{name: "the database fails", budget: 5 * time.Second, queryTimeout: 10 * time.Second,
			opts: []backend.Option{backend.Latency(time.Second), backend.FailWith(refused)}},
		{name: "the client's deadline passes", budget: time.Second, queryTimeout: 10 * time.Second,
			opts: []backend.Option{backend.Latency(3 * time.Second)}},
		{name: "the client cancels", cancelAt: time.Second, queryTimeout: 10 * time.Second,
			opts: []backend.Option{backend.Latency(3 * time.Second)}},
		{name: "the query timeout runs out", queryTimeout: time.Second,
			opts: []backend.Option{backend.Latency(3 * time.Second)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				defer letEverythingFinish()
				before := goleak.IgnoreCurrent()
				tl := timeline.New()
				// Deaf, so that a query outlives a client who has left.
				db := newDB(tl, append(tc.opts, backend.IgnoreContext())...)
				svc := deadlines.NewService(db, tc.queryTimeout)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				if tc.budget > 0 {
					ctx, cancel = context.WithTimeout(ctx, tc.budget)
					defer cancel()
				}
				if tc.cancelAt > 0 {
					time.AfterFunc(tc.cancelAt, cancel)
				}
				start := time.Now()

				visit(t, ctx, tl, svc)
				time.Sleep(time.Until(start.Add(3 * time.Second))) // every database call has returned by 3s
				synctest.Wait()

				require.Zero(t, db.Stats().InFlight, "by 3s the database has answered every query\n%s", tl)
				if err := goleak.Find(before); err != nil {
					t.Errorf("%s: Handle has returned, and so has every database call by 3s, yet a goroutine of the "+
						"service is still there, waiting for nobody. Whichever way a query ends, its goroutine must "+
						"be able to hand over the result and exit (a channel with room for it), and nothing may "+
						"wait on after it. goleak found:\n%v\n%s", tc.name, err, tl)
				}
			})
		})
	}
}
