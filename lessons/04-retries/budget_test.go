package retries_test

import (
	"context"
	"errors"
	"fmt"
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
	retries "github.com/wherewaiting/workshop/lessons/04-retries"
)

// Exercise 6: a retry budget that forgets, so that retries cannot multiply
// the load on a dependency that is down, however long it was healthy.

func TestBudgetStartsFullAndEarnsOneRetryForEveryTenRequests(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		b := retries.NewBudget(0.1, 2)
		assert.True(t, b.TryRetry(), "a new budget of capacity 2 starts full: the 1st retry should be allowed")
		assert.True(t, b.TryRetry(), "a new budget of capacity 2 starts full: the 2nd retry should be allowed")
		assert.False(t, b.TryRetry(), "2 tokens, 2 retries: the bucket is empty, so a 3rd retry should be refused")
		for range 9 {
			b.Request()
		}
		assert.False(t, b.TryRetry(), "9 requests put 9 × 0.1 = 0.9 of a token in: less than one, so refuse the retry")
		b.Request()
		assert.True(t, b.TryRetry(),
			"10 requests put 10 × 0.1 = 1 token in: allow one retry. (In float64, ten 0.1s add up to "+
				"0.9999999999999999: count tokens in thousandths, as integers)")
		assert.False(t, b.TryRetry(), "that retry spent the token: refuse the next one")
	})
}

func TestAQuietPeriodNeverRaisesTheBudgetAboveItsCapacity(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const capacity = 10
		b := retries.NewBudget(0.1, capacity)
		for range 10000 {
			b.Request() // a long, healthy stretch: no retries at all
		}
		allowed := 0
		for b.TryRetry() && allowed < 10000 {
			allowed++
		}
		assert.Equal(t, capacity, allowed,
			"after 10,000 requests without a single retry, the budget allowed %d retries in a row; it should allow "+
				"%d, its capacity. A budget that banks allowance in quiet times spends it in the outage: put "+
				"0.1 in per request, but never fill the bucket past its capacity", allowed, capacity)
	})
}

func TestRequestsAndRetriesAtTheSameTimeNeverOverdrawTheBudget(t *testing.T) {
	defer goleak.VerifyNone(t)
	// One budget, shared by requests that run at the same time: they put
	// tokens in (Request), then all ask for retries (TryRetry) at once, with
	// nothing between them that orders their steps (no sleep, no
	// synctest.Wait). A budget that is not guarded races on every run under
	// -race; one that checks for a token and spends it in two steps lets two
	// retries spend the same token.
	// Many rounds: the two steps are caught only when two retries meet
	// between them, and a busy machine makes that rarer (200 rounds let a
	// two-step budget through once under a loaded test run).
	const rounds, clients, tokensEach, retriesEach = 1000, 20, 10, 15
	synctest.Test(t, func(t *testing.T) {
		for round := 1; round <= rounds; round++ {
			b := retries.NewBudget(0.1, 1000) // room for every deposit: the cap never cuts one
			for range 1000 {
				b.TryRetry() // empty it: from here on it holds only what the clients put in
			}
			var deposited sync.WaitGroup
			deposited.Add(clients)
			allIn := make(chan struct{})
			allowed := make(chan int, clients)
			for range clients {
				go func() {
					for range 10 * tokensEach {
						b.Request() // 10 × 0.1: one token
					}
					deposited.Done()
					<-allIn
					n := 0
					for range retriesEach {
						if b.TryRetry() {
							n++
						}
					}
					allowed <- n
				}()
			}
			deposited.Wait()
			close(allIn) // every client asks for its retries at once
			total := 0
			for range clients {
				total += <-allowed
			}

			want := clients * tokensEach
			require.Equal(t, want, total,
				"round %d: %d clients each put %d tokens in (%d requests × 0.1) and then asked for %d retries, all "+
					"at the same time; the budget allowed %d retries, want exactly %d, one per token. More means two "+
					"retries spent the same token: check for a whole token and spend it in one step, under the lock",
				round, clients, tokensEach, 10*tokensEach, retriesEach, total, want)
			require.False(t, b.TryRetry(), "round %d: every token was spent, yet the budget allowed one more retry", round)
			for range 10 {
				b.Request()
			}
			require.True(t, b.TryRetry(),
				"round %d: the budget was empty and 10 more requests put 1 token in, yet it refused the retry: the "+
					"clients overdrew it, and the requests after them pay for it", round)
		}
	})
}

// afterHistory sends healthy requests, one after another, to a dependency
// that answers at once, then takes it down and sends outage more, and
// returns how many calls the outage's requests made. Past 10 calls a
// request, the test stops the storm: the dependency is not called any more.
func afterHistory(ctx context.Context, healthy, outage int, p retries.Policy) int {
	dep := backend.New("dependency")
	for range healthy {
		_ = retries.Do(ctx, p, callOf(dep))
	}
	dep.Set(backend.Latency(10*time.Millisecond), backend.FailWith(retries.Retryable(errUnavailable)))
	before := dep.Calls()
	call := callOf(dep)
	op := func(ctx context.Context) error {
		if dep.Calls()-before >= 10*outage {
			return errors.New("the test stopped the storm")
		}
		return call(ctx)
	}
	for range outage {
		_ = retries.Do(ctx, p, op)
	}
	return dep.Calls() - before
}

func TestAnOutageAfterALongHealthyPeriodIsHeldToTheBudget(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const healthy, outage, capacity = 10000, 1000, 10
		const ratio = 0.1
		p := retries.Policy{MaxAttempts: 3, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		naive := afterHistory(t.Context(), healthy, outage, p)
		p.Budget = retries.NewBudget(ratio, capacity)
		budgeted := afterHistory(t.Context(), healthy, outage, p)

		bound := outage + outage/10 + capacity
		table := fmt.Sprintf("%d requests to a dependency that is down, after %d healthy ones:\n"+
			"  no budget (MaxAttempts 3)           %5d calls  %.2f×\n"+
			"  budget: ratio %.1f, capacity %d      %5d calls  %.2f×  (at most %d + %d + %d)\n",
			outage, healthy, naive, float64(naive)/outage,
			ratio, capacity, budgeted, float64(budgeted)/outage, outage, outage/10, capacity)
		show(t, "outage-after-history", table)
		assert.Equal(t, 3*outage, naive,
			"without a budget, %d requests that each try 3 times should make 3 × %d calls; got %d\n%s",
			outage, outage, naive, table)
		assert.LessOrEqual(t, budgeted, bound,
			"with the budget, the outage's %d requests made %d calls, more than %d + %d + %d = %d: the requests, "+
				"one retry per 10 requests, and the bucket's capacity. A budget counted since the client started "+
				"banks allowance in the %d healthy requests and spends it now. Fill the bucket by 0.1 a request, "+
				"never past its capacity; spend 1 per retry\n%s",
			outage, budgeted, outage, outage/10, capacity, bound, healthy, table)
		assert.Equal(t, 1109, budgeted,
			"the bucket is full (10 tokens) when the outage starts; the first requests spend it 2 retries at a "+
				"time, then each 10 requests earn one more retry: 1,000 calls and 109 retries. Count each request "+
				"once (in Do, not per attempt), and each retry once\n%s", table)
	})
}

func TestBudgetStillRetriesRareFailures(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const requests = 200
		// One call in 20 fails, a blip; the retry right after it succeeds.
		dep := downDependency(nil, 10*time.Millisecond, backend.FailFunc(func(n int) error {
			if n%20 == 0 {
				return retries.Retryable(errUnavailable)
			}
			return nil
		}))
		p := retries.Policy{MaxAttempts: 3, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5),
			Budget: retries.NewBudget(0.1, 10)}

		failed := 0
		for range requests {
			if err := retries.Do(t.Context(), p, callOf(dep)); err != nil {
				failed++
			}
		}

		assert.Zero(t, failed,
			"%d of %d requests failed; only 1 call in 20 failed, so retries stay near 5%% of requests, "+
				"well inside a 10%% budget, and every blip should be retried", failed, requests)
		assert.Equal(t, requests+requests/20, dep.Calls(),
			"%d requests and one retry for each of the %d blips", requests, requests/20)
	})
}

func TestARetryAfterHintIsStillChargedToTheBudget(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		dep := downDependency(tl, 10*time.Millisecond, backend.FailWith(retries.Retryable(overloaded{100 * time.Millisecond})))
		// One token: one retry, whatever the server says.
		p := retries.Policy{MaxAttempts: 5, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5),
			Budget: retries.NewBudget(0.1, 1)}

		_, err := request(t.Context(), tl, p, callOf(dep))

		assert.Equal(t, 2, dep.Calls(),
			"the budget held one token, so one request should make 2 calls; it made %d. A Retry-After says when "+
				"to come back, not that the retry is free: every retry spends a token\n%s", dep.Calls(), picture(tl))
		assert.ErrorIs(t, err, retries.ErrBudgetExhausted, "got %q; say that the budget stopped the retries", err)
		assert.False(t, retries.IsRetryable(err),
			"got %q, which the layer above would retry, spending the retries this budget refused: mark it retries.DoNotRetry", err)
	})
}

func TestARetryRefusedForLackOfTimeSpendsNoBudget(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		dep := downDependency(tl, 100*time.Millisecond)
		// One token: one retry for the two requests together.
		p := retries.Policy{MaxAttempts: 2, Base: time.Second, Cap: 10 * time.Second, Rand: constant(0.5),
			Budget: retries.NewBudget(0.1, 1)}

		// The first request has 300ms: its retry would come after a 500ms
		// pause, too late, so Do gives up without retrying.
		hurried, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		_, first := request(hurried, tl, p, callOf(dep))
		// The second has no deadline: its retry has all the time it needs.
		_, second := request(t.Context(), tl, p, callOf(dep))

		require.ErrorIs(t, first, retries.ErrNoTimeToRetry,
			"got %q; the first request's retry could not start before its 300ms deadline\n%s", first, picture(tl))
		assert.Equal(t, 3, dep.Calls(),
			"the dependency got %d calls, want 3: the first request's one call, and the second request's call and "+
				"its retry. The first request gave up for lack of time and made no retry, so the budget's one "+
				"token should still be there for the second. Ask the budget last, after the deadline check: a "+
				"retry that never happens must not spend a token\n%s", dep.Calls(), picture(tl))
		assert.NotErrorIs(t, second, retries.ErrBudgetExhausted,
			"got %q; the budget refused the second request's retry, but no retry had spent its token", second)
	})
}

// herd sends clients requests at once, each with a deadline of its own,
// through Do with p to dep, and returns how many got an answer.
func herd(ctx context.Context, clients int, deadline time.Duration, p retries.Policy, dep *backend.Backend) (answered int) {
	done := make(chan error, clients)
	for range clients {
		go func() {
			ctx, cancel := context.WithTimeout(ctx, deadline)
			defer cancel()
			done <- retries.Do(ctx, p, callOf(dep))
		}()
	}
	for range clients {
		if <-done == nil {
			answered++
		}
	}
	return answered
}

func TestAbandonedAttemptsPileUpAtADeafDependencyUntilTheBudgetStopsThem(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letAbandonedCallsFinish()
		const clients = 100
		deadline := 2 * time.Second
		slow := func(int) time.Duration { return time.Second } // slow, not down: every call succeeds after 1s
		plain := retries.Policy{MaxAttempts: 5, Base: 50 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}
		timed := func(attempts int) retries.Policy {
			p := plain
			p.MaxAttempts, p.AttemptTimeout, p.Idempotent = attempts, 200*time.Millisecond, true
			return p
		}
		budgeted := timed(5)
		budgeted.Budget = retries.NewBudget(0.1, 10)

		// One client first, drawn: every attempt it abandons goes on at the
		// dependency, which does not listen.
		tl := timeline.New()
		one := deafDependency(tl, slow)
		_, _ = request(t.Context(), tl, timed(5), callOf(one))
		synctest.Wait()
		time.Sleep(2 * time.Second) // let the abandoned calls end, so the drawing shows them whole
		oneClient := "one client (AttemptTimeout 200ms, MaxAttempts 5, Idempotent), a deaf dependency that takes 1s:\n" + tl.String()

		type row struct {
			name                  string
			p                     retries.Policy
			calls, peak, answered int
		}
		rows := []row{
			{name: "no attempt timeout", p: plain, calls: 100, peak: 100, answered: 100},
			{name: "AttemptTimeout 200ms, MaxAttempts 3", p: timed(3), calls: 300, peak: 300},
			{name: "AttemptTimeout 200ms, MaxAttempts 5", p: timed(5), calls: 500, peak: 400},
			{name: "the same, with a budget (0.1, 10)", p: budgeted, calls: 110, peak: 110},
		}
		var got []row
		for _, r := range rows {
			dep := deafDependency(nil, slow)
			answered := herd(t.Context(), clients, deadline, r.p, dep)
			synctest.Wait()
			time.Sleep(2 * time.Second) // the abandoned calls end
			got = append(got, row{name: r.name, calls: dep.Calls(), peak: dep.PeakInFlight(), answered: answered})
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%d clients at once, %v deadlines, a deaf dependency that takes 1s:\n", clients, deadline)
		fmt.Fprintf(&b, "  %-38s %6s %15s %9s\n", "", "calls", "most in flight", "answered")
		for _, r := range got {
			fmt.Fprintf(&b, "  %-38s %6d %15d %9d\n", r.name, r.calls, r.peak, r.answered)
		}
		table := b.String()
		show(t, "pile-up-one-client", oneClient)
		show(t, "pile-up", table)

		var want, have []string
		for i, r := range rows {
			want = append(want, fmt.Sprintf("%s: %d calls, %d in flight at most, %d answered", r.name, r.calls, r.peak, r.answered))
			g := got[i]
			have = append(have, fmt.Sprintf("%s: %d calls, %d in flight at most, %d answered", g.name, g.calls, g.peak, g.answered))
		}
		assert.Equal(t, want, have,
			"every attempt Do abandons goes on at a dependency that does not listen, so a per-attempt timeout below "+
				"its latency multiplies the work in flight there, and nobody gets an answer. Only MaxAttempts and the "+
				"budget bound it: the budget holds the whole herd to 10 retries, its capacity\n%s\n%s", oneClient, table)
	})
}
