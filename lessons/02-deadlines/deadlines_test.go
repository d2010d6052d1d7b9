package deadlines_test

import (
	"context"
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

// visit calls Handle for user 42 as a client would, draws the client's wait
// on tl, and returns what the client got and how long it waited.
func visit(ctx context.Context, tl *timeline.Timeline, svc *deadlines.Service) (deadlines.Page, time.Duration, error) {
	start := time.Now()
	end := tl.Begin("client")
	page, err := svc.Handle(ctx, "42")
	end()
	return page, time.Since(start), err
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

// Exercise 1: the deadline travels down the chain.

func TestOrdersQueryGetsWhatIsLeftOfTheBudget(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, userThenOrders(7*time.Second, time.Second))
		svc := deadlines.NewService(db, time.Minute)
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()

		page, _, err := visit(ctx, tl, svc)

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
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()

		_, _, err := visit(ctx, tl, svc)

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
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx := t.Context()
		_, clientHasDeadline := ctx.Deadline()
		require.False(t, clientHasDeadline, "this test needs a client without a deadline")

		_, _, err := visit(ctx, tl, svc)

		require.NoError(t, err, "two 1s queries fit in a 10s query timeout\n%s", tl)
		seen := db.seen()
		require.Len(t, seen, 2, "the database should see two queries, user then orders")
		assertLeft(t, tl, seen[0], 10*time.Second,
			"the client set no deadline, so the query timeout alone bounds the query")
		assertLeft(t, tl, seen[1], 10*time.Second,
			"each query gets its own 10s: start the query timeout per query, not once per request")
	})
}

// Exercise 2: give up exactly at the deadline, and say where.

func TestHandleGivesUpExactlyAtTheDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(5*time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()

		_, waited, err := visit(ctx, tl, svc)

		assert.Equal(t, time.Second, waited,
			"the client waited %v; its deadline was 1s, so Handle should give up at exactly 1s, "+
				"not wait out a 5s database\n%s", waited, tl)
		require.ErrorIs(t, err, context.DeadlineExceeded,
			"a client whose 1s ran out should get an error wrapping context.DeadlineExceeded\n%s", tl)
		synctest.Wait()
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
				defer letEverythingFinish()
				tl := timeline.New()
				db := newDB(tl, userThenOrders(tc.user, tc.orders))
				svc := deadlines.NewService(db, 10*time.Second)
				ctx, cancel := context.WithTimeout(t.Context(), time.Second)
				defer cancel()

				_, _, err := visit(ctx, tl, svc)

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
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(5*time.Second))
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(2*time.Second, cancel) // the user closes the tab after 2s

		_, waited, err := visit(ctx, tl, svc)

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

// Exercise 3: a database that does not listen must not hold the caller.

func TestCallerIsNotHeldByADatabaseThatIgnoresItsContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Latency(5*time.Second), backend.IgnoreContext())
		svc := deadlines.NewService(db, 10*time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()

		_, waited, err := visit(ctx, tl, svc)

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
		t.Logf("the client left at 1s; the deaf database worked on until 5s, for nobody:\n%s", tl)
	})
}

func TestQueryTimeoutFreesTheCallerFromAHangingDatabase(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		db := newDB(tl, backend.Hang(), backend.IgnoreContext())
		defer db.Release() // ends the abandoned call, so that nothing is left blocked
		svc := deadlines.NewService(db, 2*time.Second)

		type outcome struct {
			waited time.Duration
			err    error
		}
		done := make(chan outcome, 1)
		go func() {
			_, waited, err := visit(t.Context(), tl, svc)
			done <- outcome{waited, err}
		}()

		select {
		case got := <-done:
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
