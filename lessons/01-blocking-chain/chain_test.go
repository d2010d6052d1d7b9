package chain_test

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strconv"
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
	chain "github.com/wherewaiting/workshop/lessons/01-blocking-chain"
)

// Exercise 1: one request, two queries, one after the other.

func TestHandleAsksForTheUserThenTheirOrders(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		for _, user := range []struct{ id, name string }{{"42", "ada"}, {"7", "grace"}} {
			tl := timeline.New()
			database := newDatabase(tl)
			svc := chain.NewService(db{database}, 1)

			r := handleOne(t, t.Context(), svc, tl, user.id)

			require.NoError(t, r.err, "user %s: the database answered every query, so Handle should succeed", user.id)
			want := chain.Page{User: user.name, Orders: "orders of " + user.name}
			assert.Equal(t, want, r.page,
				"user %s: the page holds the answer to %q and then the answer to %q: the orders query is built from the user answer, not from the id",
				user.id, "user:"+user.id, "orders:"+user.name)
			assert.Equal(t, 2, database.Calls(), "user %s: a page takes exactly two queries", user.id)
		}
	})
}

func TestWaitsAddUpAlongTheChain(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		tl := timeline.New()
		svc := chain.NewService(db{newDatabase(tl, backend.Latency(time.Second))}, 1)

		r := handleOne(t, t.Context(), svc, tl, "42")
		timeline.Keep(t, "waits-add-up", tl.String())

		require.NoError(t, r.err)
		assert.Equal(t, 2*time.Second, r.waited,
			"the client waited %v; each query takes 1s and the second needs the first's answer, so the client should wait 1s + 1s = 2s\n%s",
			r.waited, tl)
		assert.Equal(t, []string{"client 0s-2s", "database 0s-1s", "database 1s-2s"}, spansOf(tl),
			"the client should wait from 0s to 2s while the database answers two queries back to back\n%s", tl)
	})
}

func TestHandleSaysWhichStepFailed(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		refused := errors.New("connection refused")
		for _, step := range []struct {
			failing int // which query fails, counting from 1
			want    string
			queries int
		}{
			{failing: 1, want: "user 42: connection refused", queries: 1},
			{failing: 2, want: "orders for user 42: connection refused", queries: 2},
		} {
			tl := timeline.New()
			database := newDatabase(tl, backend.Latency(time.Second), backend.FailFunc(func(n int) error {
				if n == step.failing {
					return refused
				}
				return nil
			}))
			svc := chain.NewService(db{database}, 1)

			r := handleOne(t, t.Context(), svc, tl, "42")

			require.Error(t, r.err, "query %d failed, so Handle should return an error, not a page", step.failing)
			assert.ErrorIs(t, r.err, refused, "wrap the database's error with %w, so callers can still tell what went wrong")
			assert.EqualError(t, r.err, step.want, "query %d failed: the error should say which step it was", step.failing)
			assert.Equal(t, chain.Page{}, r.page, "a failed request returns an empty page")
			assert.Equal(t, step.queries, database.Calls(),
				"query %d failed; the database got %d queries, want %d: without a user there are no orders to ask for",
				step.failing, database.Calls(), step.queries)
		}
	})
}

// Exercise 2: the in-flight gauge. A slow database holds every caller.

func TestASlowDatabaseHoldsEveryCaller(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		const clients = 10
		tl := timeline.New()
		// The database is not drawn: twenty identical bars would hide the ten
		// that matter. (It also means the clients share no lock as they leave,
		// so the race detector sees an unguarded gauge on every run.)
		svc := chain.NewService(db{newDatabase(nil, backend.Latency(5*time.Second))}, clients)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		pending := crowd(ctx, svc, tl, clients)
		time.Sleep(3 * time.Second)
		synctest.Wait()
		assert.Equal(t, clients, svc.InFlight(),
			"3s in, all %d clients are inside Handle waiting for the 5s database; count each request in when it enters Handle\n%s",
			clients, tl)

		rs := await(t, tl, cancel, pending...)
		timeline.Keep(t, "slow-database-holds-every-caller", tl.String())
		var waits []time.Duration
		for _, r := range rs {
			require.NoError(t, r.err, "%s", r.who)
			waits = append(waits, r.waited)
		}
		assert.Equal(t, slices.Repeat([]string{"10s"}, clients), durations(waits),
			"the clients' waits, client 1 first: every caller is held for both 5s queries, 10s, however many others wait beside it\n%s", tl)
		assert.Equal(t, clients, svc.PeakInFlight(), "%d clients waited at the same time, so the peak in flight is %d", clients, clients)
		assert.Zero(t, svc.InFlight(), "every client has its page, so nobody is in flight; count each request out when it leaves Handle")
	})
}

func TestInFlightDropsBackToZeroEvenWhenQueriesFail(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		const clients = 4
		refused := errors.New("connection refused")
		tl := timeline.New()
		// Every second query fails: of 4 clients, two fail their user query,
		// one its orders query, and one gets its page.
		database := newDatabase(tl, backend.Latency(time.Second), backend.FailFunc(func(n int) error {
			if n%2 == 0 {
				return refused
			}
			return nil
		}))
		svc := chain.NewService(db{database}, clients)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		pending := crowd(ctx, svc, tl, clients)
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		assert.Equal(t, clients, svc.InFlight(),
			"500ms in, all %d clients are inside Handle waiting for the database; count each request in when it enters Handle\n%s",
			clients, tl)

		failed := 0
		for _, r := range await(t, tl, cancel, pending...) {
			if r.err != nil {
				failed++
			}
		}
		assert.Zero(t, svc.InFlight(),
			"all %d clients have left (%d with an error), yet InFlight says %d are still inside: count a request out on every way out of Handle, errors too (defer)",
			clients, failed, svc.InFlight())
	})
}

func TestPeakInFlightIsTheMostAtOnceNotTheTotal(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		tl := timeline.New()
		svc := chain.NewService(db{newDatabase(tl, backend.Latency(time.Second))}, 3)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		for i := range 3 {
			handleOne(t, ctx, svc, tl, strconv.Itoa(i+1))
		}
		assert.Equal(t, 1, svc.PeakInFlight(),
			"3 clients came one after another, never two at once, so the peak in flight is 1\n%s", tl)

		await(t, tl, cancel, crowd(ctx, svc, tl, 3)...)
		assert.Equal(t, 3, svc.PeakInFlight(),
			"then 3 clients came at once, so the peak in flight is 3: the most at the same time, not how many came in all\n%s", tl)
	})
}

func TestEveryWayOutOfHandleCountsTheRequestOut(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, way := range waysOut() {
		t.Run(way.how, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				tl := timeline.New()
				svc := chain.NewService(db{way.database(tl)}, 1)

				way.run(t, t.Context(), svc, tl)

				assert.Zero(t, svc.InFlight(),
					"a request that %s has left Handle, yet InFlight says %d requests are still inside: count a "+
						"request out on every way out of Handle, whichever way it ends (defer it right after counting "+
						"in)\n%s", way.how, svc.InFlight(), tl)
			})
		})
	}
}

func TestTheGaugeCanBeReadWhileRequestsComeAndGo(t *testing.T) {
	// Requests and readers of the gauge, all let go at once, with nothing
	// between them that orders their steps (no sleep, no synctest.Wait):
	// a gauge that is not guarded, in Handle or in InFlight and
	// PeakInFlight, is a data race that -race reports on every run, and a
	// count whose read and write are not one step loses requests.
	const clients, requestsEach, readers = 20, 10, 4
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		database := newDatabase(nil) // answers at once
		svc := chain.NewService(db{database}, 3)
		start := make(chan struct{})
		var wg sync.WaitGroup
		// A request still waiting after a minute gives up, so that a pool
		// that loses connections fails the test instead of hanging it.
		ctx, cancel := context.WithTimeout(t.Context(), patience)
		defer cancel()
		var mu sync.Mutex
		var problems []string
		report := func(format string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			if len(problems) < 5 { // the first few say enough
				problems = append(problems, fmt.Sprintf(format, args...))
			}
		}
		for i := range clients {
			wg.Go(func() {
				defer func() {
					if v := recover(); v != nil {
						report("%s", panicked(v))
					}
				}()
				<-start
				for range requestsEach {
					if _, err := svc.Handle(ctx, strconv.Itoa(i+1)); err != nil {
						report("client %d: %v (is every connection given back?)", i+1, err)
						return
					}
				}
			})
		}
		for i := range readers {
			wg.Go(func() { // someone watching the gauge meanwhile
				defer func() {
					if v := recover(); v != nil {
						report("%s", panicked(v))
					}
				}()
				<-start
				lastPeak := 0
				for range clients * requestsEach {
					if n := svc.InFlight(); n < 0 || n > clients {
						report("reader %d saw InFlight = %d, with %d clients", i+1, n, clients)
					}
					peak := svc.PeakInFlight()
					if peak < lastPeak || peak > clients {
						report("reader %d saw PeakInFlight go from %d to %d, with %d clients", i+1, lastPeak, peak, clients)
					}
					lastPeak = max(lastPeak, peak)
				}
			})
		}
		synctest.Wait() // everyone is at the door...
		close(start)    // ...and in they come, all at once
		wg.Wait()

		require.Empty(t, problems,
			"%d clients sent %d requests each while %d readers watched the gauge, all at the same time", clients, requestsEach, readers)
		assert.Zero(t, svc.InFlight(),
			"all %d requests have left Handle, yet InFlight says %d: requests that came and went at the same "+
				"time were lost from the count. Count in and out under the lock, each in one step", clients*requestsEach, svc.InFlight())
		assert.Equal(t, 2*clients*requestsEach, database.Calls(), "every request makes two queries")
		assert.LessOrEqual(t, database.PeakInFlight(), 3, "a pool of 3 lets at most 3 queries reach the database at once")
	})
}

// Exercise 3: a connection pool. The database is protected; the waiting moves.

func TestThePoolLetsAtMostPoolSizeQueriesReachTheDatabase(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		tl := timeline.New()
		database := newDatabase(tl, backend.Latency(time.Second))
		svc := chain.NewService(db{database}, 3)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		await(t, tl, cancel, crowd(ctx, svc, tl, 7)...)

		assert.Equal(t, 3, database.PeakInFlight(),
			"7 clients came at once through a pool of 3 connections; the database saw up to %d queries at once, want 3: take a connection before the first query\n%s",
			database.PeakInFlight(), tl)
	})
}

func TestCallersAreServedInRoundsOfThePoolSize(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		tl := timeline.New()
		// The database is not drawn: the clients' bars show the rounds.
		svc := chain.NewService(db{newDatabase(nil, backend.Latency(time.Second))}, 3)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		rs := await(t, tl, cancel, crowd(ctx, svc, tl, 7)...)
		timeline.Keep(t, "served-in-rounds", tl.String())
		var waits []time.Duration
		for _, r := range rs {
			require.NoError(t, r.err, "%s", r.who)
			waits = append(waits, r.waited)
		}
		// Which waiting client gets the next free connection is not promised
		// by the language (the runtime happens to take them in turn), so the
		// waits are compared sorted: the rounds do not depend on who is first.
		slices.Sort(waits)

		assert.Equal(t, []string{"2s", "2s", "2s", "4s", "4s", "4s", "6s"}, durations(waits),
			"7 clients, a pool of 3, two 1s queries a request: they should be served in rounds of 3, "+
				"waiting 2s, 4s and the last one ⌈7/3⌉×2s = 6s. A request holds its connection for both queries\n%s", tl)
	})
}

func TestWaitingPilesUpInFrontOfThePool(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		tl := timeline.New()
		database := newDatabase(tl, backend.Latency(time.Second))
		svc := chain.NewService(db{database}, 3)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		pending := crowd(ctx, svc, tl, 7)
		time.Sleep(500 * time.Millisecond)
		synctest.Wait()
		assert.Equal(t, 3, database.Stats().InFlight,
			"500ms in, the database should be working on 3 queries, one a connection, while the other clients wait for a connection\n%s", tl)
		assert.Equal(t, 7, svc.InFlight(),
			"500ms in, all 7 clients are inside Handle: 3 with a connection, 4 waiting for one\n%s", tl)

		time.Sleep(2 * time.Second)
		synctest.Wait()
		assert.Equal(t, 4, svc.InFlight(),
			"2.5s in, the first round of 3 has its pages and 4 clients are still inside Handle\n%s", tl)

		await(t, tl, cancel, pending...)
		assert.Equal(t, 7, svc.PeakInFlight(),
			"the pool protects the database, not the callers: all 7 were waiting at once, so the peak in flight is 7\n%s", tl)
	})
}

func TestACallerQueuedForAConnectionGivesUpWhenItsContextEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		tl := timeline.New()
		database := newDatabase(tl, backend.Latency(5*time.Second))
		svc := chain.NewService(db{database}, 1)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		first := goHandle(ctx, svc, tl, "client 1", "1")
		synctest.Wait() // client 1 holds the only connection for 10s
		budget, stop := context.WithTimeout(ctx, 3*time.Second)
		defer stop()
		second := goHandle(budget, svc, tl, "client 2 (3s budget)", "2")
		rs := await(t, tl, cancel, first, second)

		r := rs[1]
		require.Error(t, r.err, "client 2 queued for the only connection with a 3s budget; its context ended while it waited, so Handle should return an error\n%s", tl)
		assert.ErrorIs(t, r.err, context.DeadlineExceeded, "wrap ctx.Err() with %w, so the caller can tell it ran out of time")
		assert.Equal(t, 3*time.Second, r.waited,
			"client 2 waited %v; it should stop waiting for a connection the moment its context ends, at 3s: wait on ctx.Done() as well as on the pool\n%s",
			r.waited, tl)
		assert.Zero(t, database.Stats().GaveUp,
			"%d queries were abandoned inside the database; client 2 should give up in the queue for a connection, before it ever reaches the database\n%s",
			database.Stats().GaveUp, tl)
		assert.Equal(t, 2, database.Calls(), "only client 1's two queries should reach the database")

		require.NoError(t, rs[0].err, "client 1")
		assert.Equal(t, 10*time.Second, rs[0].waited,
			"client 1 waited %v; it held the connection for two 5s queries, 10s, undisturbed by client 2\n%s", rs[0].waited, tl)
	})
}

func TestACallerWhoseContextHasEndedNeverTakesAConnection(t *testing.T) {
	// A free connection and a context that has already ended are both ready
	// at once, and a select picks one of them at random ("a uniform
	// pseudo-random selection", says the Go spec). Code that goes straight
	// to the select takes the connection, and queries for nobody, in half
	// the rounds: 100 independent rounds, each asserting, catch it with
	// probability 1 − 2^-100.
	const rounds = 100
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		for round := range rounds {
			tl := timeline.New()
			database := newDatabase(tl, backend.Latency(time.Second))
			svc := chain.NewService(db{database}, 3)
			ctx, cancel := context.WithCancel(t.Context())
			cancel() // the client gave up before its request got in

			r := handleOne(t, ctx, svc, tl, "42")

			require.ErrorIs(t, r.err, context.Canceled,
				"round %d of %d: the client had cancelled before Handle began, so Handle should return an error "+
					"wrapping context.Canceled\n%s", round+1, rounds, tl)
			require.Zero(t, database.Calls(),
				"round %d of %d: the client had cancelled before Handle began, yet Handle took a free connection "+
					"and sent %d queries for nobody. A free connection and a done context are both ready at once, "+
					"and a select picks one at random: check ctx.Err() before you wait for a connection\n%s",
				round+1, rounds, database.Calls(), tl)
		}
	})
}

func TestEveryWayOutOfHandleGivesTheConnectionBack(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, way := range waysOut() {
		t.Run(way.how, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer failOnPanic(t)
				tl := timeline.New()
				svc := chain.NewService(db{way.database(tl)}, 1)
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()

				way.run(t, ctx, svc, tl)
				next := goHandle(ctx, svc, tl, "next client", "7")

				select {
				case r := <-next:
					if r.panicked != "" {
						t.Fatalf("next client: %s", r.panicked)
					}
					require.NoError(t, r.err, "the next client, after a request that %s\n%s", way.how, tl)
					assert.Equal(t, 2*time.Second, r.waited,
						"after a request that %s, the next client waited %v; the only connection should have been "+
							"free, so its two 1s queries take 2s\n%s", way.how, r.waited, tl)
				case <-time.After(patience):
					picture := tl.String()
					cancel()
					<-next
					t.Fatalf("after a request that %s, the next client waited a whole minute for the only connection "+
						"and never got it: that request kept it. Give the connection back on every way out of Handle, "+
						"errors and cancellations too: defer the receive right after the send that took it\n%s",
						way.how, picture)
				}
			})
		})
	}
}

func TestAQueuedCallerGetsTheConnectionTheMomentItIsGivenBack(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		tl := timeline.New()
		svc := chain.NewService(db{newDatabase(tl, backend.Latency(time.Second))}, 1)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		first := goHandle(ctx, svc, tl, "client 1", "1")
		// Client 2 comes at an instant no polling step lands on: a retry
		// every 10ms or every 1ms, counted from its arrival, misses 2s.
		arrival := time.Second / 3
		time.Sleep(arrival)
		second := goHandle(ctx, svc, tl, "client 2", "2")
		rs := await(t, tl, cancel, first, second)

		require.NoError(t, rs[1].err, "client 2\n%s", tl)
		want := 4*time.Second - arrival
		assert.Equal(t, want, rs[1].waited,
			"client 2 came at %v and queued for the only connection, which client 1 gave back at 2s; it should "+
				"take it at that very instant and have its page at 4s, having waited %v, but it waited %v. Wait on "+
				"the pool itself (a select on the send and ctx.Done()): a waiting send goes through the moment a "+
				"connection is given back, while trying again every few milliseconds takes it late\n%s",
			arrival, want, rs[1].waited, tl)
	})
}

// db adapts the simulated backend to the Database the service asks.
type db struct{ *backend.Backend }

func (d db) Query(ctx context.Context, q string) (string, error) { return d.Call(ctx, q) }

// A wayOut is one way a request can end, for the tests that check what it
// leaves behind.
type wayOut struct {
	how  string            // how the request ended: "failed in its user query"
	fail func(n int) error // which database calls fail; nil for none
	// run sends the request to svc (a pool of 1, a database of 1s a query)
	// and waits until it, and any client it needed, has left Handle.
	run func(t *testing.T, ctx context.Context, svc *chain.Service, tl *timeline.Timeline)
}

// database returns the database the request meets: 1s a query, failing
// as way.fail says.
func (way wayOut) database(tl *timeline.Timeline) *backend.Backend {
	opts := []backend.Option{backend.Latency(time.Second)}
	if way.fail != nil {
		opts = append(opts, backend.FailFunc(way.fail))
	}
	return newDatabase(tl, opts...)
}

var errRefused = errors.New("connection refused")

// waysOut lists every way a request can leave Handle.
func waysOut() []wayOut {
	failing := func(call int) func(int) error {
		return func(n int) error {
			if n == call {
				return errRefused
			}
			return nil
		}
	}
	alone := func(t *testing.T, ctx context.Context, svc *chain.Service, tl *timeline.Timeline) {
		handleOne(t, ctx, svc, tl, "42")
	}
	return []wayOut{
		{how: "got its page", run: alone},
		{how: "failed in its user query", fail: failing(1), run: alone},
		{how: "failed in its orders query", fail: failing(2), run: alone},
		{how: "was cancelled during its user query", run: func(t *testing.T, ctx context.Context, svc *chain.Service, tl *timeline.Timeline) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			time.AfterFunc(500*time.Millisecond, cancel)
			handleOne(t, ctx, svc, tl, "42")
		}},
		{how: "ran out of time during its orders query", run: func(t *testing.T, ctx context.Context, svc *chain.Service, tl *timeline.Timeline) {
			ctx, cancel := context.WithTimeout(ctx, 1500*time.Millisecond)
			defer cancel()
			handleOne(t, ctx, svc, tl, "42")
		}},
		{how: "ran out of time while it waited for a connection", run: func(t *testing.T, ctx context.Context, svc *chain.Service, tl *timeline.Timeline) {
			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			holder := goHandle(ctx, svc, tl, "client 1", "1")
			synctest.Wait() // client 1 holds the only connection for 2s
			budget, stop := context.WithTimeout(ctx, 500*time.Millisecond)
			defer stop()
			await(t, tl, cancel, holder, goHandle(budget, svc, tl, "client 2 (500ms budget)", "2"))
		}},
		{how: "had been cancelled before it came", run: func(t *testing.T, ctx context.Context, svc *chain.Service, tl *timeline.Timeline) {
			ctx, cancel := context.WithCancel(ctx)
			cancel()
			handleOne(t, ctx, svc, tl, "42")
		}},
	}
}

// newDatabase returns a simulated database that answers like a real one
// (see answer) and, unless tl is nil, draws each query on tl as a
// "database" span. Call it inside the bubble, so its waits run on virtual
// time.
func newDatabase(tl *timeline.Timeline, opts ...backend.Option) *backend.Backend {
	opts = append([]backend.Option{backend.Reply(answer)}, opts...)
	if tl != nil {
		opts = append(opts, backend.Record(tl))
	}
	return backend.New("database", opts...)
}

// answer is the database's reply: "user:42" gives the user's name, "ada",
// and "orders:ada" gives "orders of ada". Users the test does not name
// are called "user-ID".
func answer(_ int, q string) string {
	if id, ok := strings.CutPrefix(q, "user:"); ok {
		switch id {
		case "42":
			return "ada"
		case "7":
			return "grace"
		}
		return "user-" + id
	}
	if name, ok := strings.CutPrefix(q, "orders:"); ok {
		return "orders of " + name
	}
	return fmt.Sprintf("no such query: %q", q)
}

// A result is what one client got, and how long it waited for it.
type result struct {
	who      string
	page     chain.Page
	err      error
	waited   time.Duration
	panicked string // what panicked, and where, if Handle panicked
}

// goHandle starts a client, drawn on tl as who, that asks svc for userID's
// page. Its result arrives on the returned channel.
func goHandle(ctx context.Context, svc *chain.Service, tl *timeline.Timeline, who, userID string) <-chan result {
	out := make(chan result, 1) // buffered: a client never waits for the test to read
	// The clock starts here, not in the goroutine, so clients started
	// together are drawn in the order they were started.
	start := time.Now()
	end := tl.Begin(who)
	go func() {
		r := result{who: who}
		defer func() {
			end()
			r.waited = time.Since(start)
			if v := recover(); v != nil {
				r.panicked = panicked(v)
			}
			out <- r
		}()
		r.page, r.err = svc.Handle(ctx, userID)
	}()
	return out
}

// crowd starts n clients at the same instant, "client 1" asking for user
// "1" and so on. Each one is let in as far as it can go before the next is
// started, so they arrive one after another. (Who of the clients waiting
// for a connection gets the next one is not promised by the language; the
// runtime today takes them in the order they began to wait, which keeps
// the drawings the same every run, but no assertion depends on it.)
func crowd(ctx context.Context, svc *chain.Service, tl *timeline.Timeline, n int) []<-chan result {
	pending := make([]<-chan result, n)
	for i := range pending {
		pending[i] = goHandle(ctx, svc, tl, fmt.Sprintf("client %d", i+1), strconv.Itoa(i+1))
		synctest.Wait()
	}
	return pending
}

// patience is how much virtual time a test waits for its clients before it
// calls them stuck. It costs nothing: virtual time passes instantly.
const patience = time.Minute

// await returns the clients' results in the order given. Clients still
// waiting after patience are stuck: await cancels their context (through
// cancel) so they can leave and the test ends cleanly, and fails the test.
func await(t *testing.T, tl *timeline.Timeline, cancel context.CancelFunc, pending ...<-chan result) []result {
	t.Helper()
	giveUp := time.After(patience)
	results := make([]result, 0, len(pending))
	for _, c := range pending {
		select {
		case r := <-c:
			results = append(results, r)
		case <-giveUp:
			picture := tl.String()
			cancel()
			for _, c := range pending[len(results):] {
				<-c
			}
			t.Fatalf("after %v, %d of %d clients were still waiting for their page. "+
				"A request that never gets a connection waits forever: is every connection given back?\n%s",
				patience, len(pending)-len(results), len(pending), picture)
		}
	}
	for _, r := range results {
		if r.panicked != "" {
			t.Fatalf("%s: %s", r.who, r.panicked)
		}
	}
	return results
}

// handleOne runs one client, "client", and returns its result.
func handleOne(t *testing.T, ctx context.Context, svc *chain.Service, tl *timeline.Timeline, userID string) result {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	return await(t, tl, cancel, goHandle(ctx, svc, tl, "client", userID))[0]
}

// spansOf lists tl's spans as "who start-end", measured from the timeline's
// time zero, in the order they started.
func spansOf(tl *timeline.Timeline) []string {
	var out []string
	for _, s := range tl.Spans() {
		out = append(out, fmt.Sprintf("%s %v-%v", s.Who, s.Start.Sub(tl.Origin()), s.End.Sub(tl.Origin())))
	}
	return out
}

// durations prints ds as "1s", "2.5s", so a difference reads in seconds.
func durations(ds []time.Duration) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// A panic in the code under test would crash the whole test binary: the
// tests after it would never run, and their results would vanish. So the
// clients contain the panics of Handle, await reports them, and a panic on
// the test's own goroutine fails that test alone. (A panic on a goroutine
// the code under test starts itself cannot be caught here: `go run
// ./checker 01` then re-runs the tests one by one.)

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
