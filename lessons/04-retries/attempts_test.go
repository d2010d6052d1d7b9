package retries_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
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

// Exercise 1: stop the storm. A bounded number of attempts, and only for
// failures a retry can fix.

func TestDoStopsAfterMaxAttempts(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct{ maxAttempts, calls int }{
		{maxAttempts: 3, calls: 3},
		{maxAttempts: 5, calls: 5},
		{maxAttempts: 1, calls: 1},
		{maxAttempts: 0, calls: 1}, // the zero Policy calls once
	} {
		t.Run(fmt.Sprintf("MaxAttempts=%d", tc.maxAttempts), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				tl := timeline.New()
				dep := downDependency(tl, 100*time.Millisecond)
				p := retries.Policy{MaxAttempts: tc.maxAttempts, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

				_, err := request(t.Context(), tl, p, callOf(dep))

				if tc.maxAttempts == 3 {
					show(t, "max-attempts-3", picture(tl))
				}
				assert.Equal(t, tc.calls, dep.Calls(),
					"one request to a dependency that is down made %d calls; with MaxAttempts %d it should make %d "+
						"(the first call counts). Every extra call is load on something already failing\n%s",
					dep.Calls(), tc.maxAttempts, tc.calls, picture(tl))
				require.Error(t, err, "every call failed, so Do should fail")
				assert.ErrorIs(t, err, errUnavailable,
					"got %q; when the attempts run out, wrap the last error with %%w, so the caller can tell what failed", err)
				assert.False(t, retries.IsRetryable(err),
					"got %q, which the layer above would retry: Do gave up on it, so mark the error it returns with "+
						"retries.DoNotRetry, and the retries spent here are not made again above", err)
			})
		})
	}
}

func TestDoReturnsAtTheFirstSuccess(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		// The first two calls fail, the third succeeds.
		dep := downDependency(tl, 100*time.Millisecond, backend.FailFunc(func(n int) error {
			if n <= 2 {
				return retries.Retryable(errUnavailable)
			}
			return nil
		}))
		p := retries.Policy{MaxAttempts: 5, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		_, err := request(t.Context(), tl, p, callOf(dep))

		require.NoError(t, err, "the third call succeeded, so Do should succeed\n%s", picture(tl))
		assert.Equal(t, 3, dep.Calls(),
			"the third call succeeded; Do made %d calls, want 3: stop at the first success\n%s", dep.Calls(), picture(tl))
	})
}

func TestNonRetryableErrorReturnsAfterOneCall(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		dep := downDependency(tl, 100*time.Millisecond, backend.FailWith(errBadRequest))
		p := retries.Policy{MaxAttempts: 5, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		waited, err := request(t.Context(), tl, p, callOf(dep))

		assert.Equal(t, 1, dep.Calls(),
			"the dependency answered %q, which no retry can fix, yet Do called it %d times; "+
				"retry only errors for which retries.IsRetryable is true\n%s", errBadRequest, dep.Calls(), picture(tl))
		assert.Equal(t, 100*time.Millisecond, waited,
			"the client waited %v; the one call took 100ms and there was nothing to wait for after it\n%s", waited, picture(tl))
		assert.ErrorIs(t, err, errBadRequest, "the caller should get the dependency's error")
	})
}

// A retrier is how one layer calls the layer below: once, or with retries.
type retrier func(ctx context.Context, op func(context.Context) error) error

// naive is the retry loop people write at every layer: call again at once,
// whatever the error, up to attempts calls, and pass the last error up.
func naive(attempts int) retrier {
	return func(ctx context.Context, op func(context.Context) error) error {
		var err error
		for range attempts {
			if err = op(ctx); err == nil {
				return nil
			}
		}
		return err
	}
}

// with calls the layer below through retries.Do with p.
func with(p retries.Policy) retrier {
	return func(ctx context.Context, op func(context.Context) error) error {
		return retries.Do(ctx, p, op)
	}
}

// stack builds a call path of layers services, each calling the one below
// it with retry; the lowest calls bottom. If bottom gets more than storm
// calls, every layer stops calling down, so a Do that ignores MaxAttempts
// cannot run for ever. It returns the top's operation and a count of the
// calls that reached each layer, the database last, to read once the
// request is over.
func stack(bottom *backend.Backend, storm, layers int, retry retrier) (func(context.Context) error, func() []int) {
	errStorm := errors.New("the test stopped the storm")
	calls := make([]int, layers) // calls[i]: how often layer i was called
	op := callOf(bottom)
	for i := layers - 1; i >= 0; i-- {
		below := op
		op = func(ctx context.Context) error {
			calls[i]++ // one request at a time: no lock needed
			if bottom.Calls() >= storm {
				return errStorm
			}
			return retry(ctx, below)
		}
	}
	return op, func() []int { return append(slices.Clone(calls), bottom.Calls()) }
}

// layerTable draws how many calls reached each layer of two stacks, for
// one request at the top.
func layerTable(title string, naive, do []int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\ncalls that reached each layer, for ONE request at the top:\n", title)
	fmt.Fprintf(&b, "  %-14s %11s %11s\n", "", "naive loop", "retries.Do")
	for i := range naive {
		name := fmt.Sprintf("layer %d", i+1)
		switch {
		case i == 0:
			name += " (top)"
		case i == len(naive)-1:
			name = "database"
		}
		fmt.Fprintf(&b, "  %-14s %11d %11d\n", name, naive[i], do[i])
	}
	return b.String()
}

func TestTheLayersAboveDoNotRetryWhatDoGaveUpOn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const layers, storm = 5, 5000
		p := retries.Policy{MaxAttempts: 3, Base: 10 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		// The same call path twice: every layer with the naive loop, then
		// every layer with Do.
		naiveBottom := downDependency(nil, 10*time.Millisecond)
		naiveTop, naiveCounts := stack(naiveBottom, storm, layers, naive(3))
		_ = naiveTop(t.Context())
		bottom := downDependency(nil, 10*time.Millisecond)
		top, counts := stack(bottom, storm, layers, with(p))
		err := top(t.Context())

		table := layerTable("5 layers to a database that is down; each makes up to 3 attempts of the layer below", naiveCounts(), counts())
		show(t, "layers", table)
		require.Equal(t, 243, naiveBottom.Calls(),
			"the naive loop at every layer turns one request into 3×3×3×3×3 = 3^5 = 243 calls at the database\n%s", table)
		require.Less(t, bottom.Calls(), storm,
			"the test stopped the storm after %d calls reached the database for ONE request at the top; "+
				"each of the 5 layers should make at most 3 attempts\n%s", storm, table)
		assert.Equal(t, 3, bottom.Calls(),
			"with Do at every layer, %d calls reached the database; it should be 3. The layer next to the database "+
				"retries; when it gives up, its error must tell every layer above not to retry (mark it "+
				"retries.DoNotRetry: IsRetryable is then false), or the retries multiply as in the naive column\n%s",
			bottom.Calls(), table)
		require.Error(t, err, "the database is down, so the top caller should get an error")
		assert.ErrorIs(t, err, errUnavailable,
			"got %q; through all 5 layers the error should still wrap the database's, so the caller can tell what failed", err)
		assert.False(t, retries.IsRetryable(err), "got %q; a failure Do gave up on stays final through every layer", err)
	})
}

// Exercise 2: back off exponentially, with full jitter.

func TestBackoffDoublesFromBaseUpToTheCap(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const attempts = 70 // far enough for Base·2^n to overflow a time.Duration
		base, cap := 100*time.Millisecond, time.Second
		sw := &stopwatch{err: retries.Retryable(errUnavailable)}
		p := retries.Policy{MaxAttempts: attempts, Base: base, Cap: cap, Rand: constant(0.5)}

		err := retries.Do(t.Context(), p, sw.op)

		require.Error(t, err)
		require.Equal(t, attempts, len(sw.calls), "MaxAttempts is %d, so Do should make %d calls", attempts, attempts)
		var want []time.Duration
		for n := range attempts - 1 {
			want = append(want, ceiling(base, cap, n)/2)
		}
		got := sw.pauses()
		show(t, "backoff-pauses", fmt.Sprintf("the pauses before each retry, Base 100ms, Cap 1s, Rand 0.5:\n%s\n", list(got)))
		require.Equal(t, list(want[:6]), list(got[:6]),
			"the pauses between attempts: with Rand always 0.5, Base 100ms and Cap 1s, Do should sleep "+
				"0.5 × min(1s, 100ms·2^n) before retry n: 50ms, 100ms, 200ms, 400ms, then 500ms for ever. "+
				"Retrying at once hits a failing dependency again before it could have recovered")
		for n := range want {
			require.Equal(t, want[n], got[n],
				"the pause before retry %d was %v, want %v: past the cap the sleep must stay at the cap. "+
					"Does Base<<n overflow when n grows? Double step by step and stop at Cap", n, got[n], want[n])
		}
	})
}

func TestFullJitterApproachesButNeverPassesTheCap(t *testing.T) {
	defer goleak.VerifyNone(t)
	base, cap := 100*time.Millisecond, time.Second
	t.Run("Rand=255/256", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			sw := &stopwatch{err: retries.Retryable(errUnavailable)}
			p := retries.Policy{MaxAttempts: 7, Base: base, Cap: cap, Rand: constant(255.0 / 256)}

			_ = retries.Do(t.Context(), p, sw.op)

			// 255/256 of each ceiling, exact: every ceiling is a multiple of 256ns.
			want := "[99.609375ms 199.21875ms 398.4375ms 796.875ms 996.09375ms 996.09375ms]"
			assert.Equal(t, want, list(sw.pauses()),
				"the pauses between attempts: full jitter sleeps Rand() × min(Cap, Base·2^n); with Rand 255/256 that is "+
					"just under 100ms, 200ms, 400ms, 800ms, and then just under the 1s cap, never more")
		})
	})
	t.Run("Rand=largest float64 below 1", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			sw := &stopwatch{err: retries.Retryable(errUnavailable)}
			p := retries.Policy{MaxAttempts: 12, Base: base, Cap: cap, Rand: constant(math.Nextafter(1, 0))}

			_ = retries.Do(t.Context(), p, sw.op)

			pauses := sw.pauses()
			require.Equal(t, 11, len(pauses), "MaxAttempts is 12, so Do should pause 11 times: %s", list(pauses))
			for n, got := range pauses {
				limit := ceiling(base, cap, n)
				assert.LessOrEqual(t, got, limit,
					"pauses %s: the pause before retry %d should never pass min(Cap, Base·2^n) = %v", list(pauses), n, limit)
				assert.GreaterOrEqual(t, got, limit*99/100,
					"pauses %s: with Rand almost 1, the pause before retry %d should be almost %v",
					list(pauses), n, limit)
			}
		})
	})
}

func TestAZeroCapMeansNoCapAndTheDoublingNeverOverflows(t *testing.T) {
	defer goleak.VerifyNone(t)
	base := 100 * time.Millisecond
	t.Run("a few retries", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			sw := &stopwatch{err: retries.Retryable(errUnavailable)}
			p := retries.Policy{MaxAttempts: 5, Base: base, Rand: constant(0.5)} // no Cap

			_ = retries.Do(t.Context(), p, sw.op)

			assert.Equal(t, "[50ms 100ms 200ms 400ms]", list(sw.pauses()),
				"the pauses between attempts with Base 100ms, Rand 0.5 and no Cap: a Cap of zero means no cap, so "+
					"the backoff doubles, 0.5 × 100ms·2^n. min(Cap, …) with Cap 0 makes every pause 0: the storm again")
		})
	})
	t.Run("70 retries", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			sw := &stopwatch{err: retries.Retryable(errUnavailable)}
			// A tiny Rand keeps 70 doublings short in virtual time, and still
			// shows whether they overflowed.
			r := 1.0 / (1 << 30)
			p := retries.Policy{MaxAttempts: 70, Base: base, Rand: constant(r)}

			_ = retries.Do(t.Context(), p, sw.op)

			pauses := sw.pauses()
			require.Equal(t, 69, len(pauses), "MaxAttempts is 70, so Do should pause 69 times")
			for n := 1; n < len(pauses); n++ {
				require.GreaterOrEqual(t, pauses[n], pauses[n-1],
					"the pause before retry %d (%v) is shorter than the one before it (%v): with no cap, Base·2^n passes "+
						"the largest time.Duration after 37 doublings of 100ms and overflows. Stop doubling there",
					n, pauses[n], pauses[n-1])
			}
			longest := time.Duration(r * float64(base<<36)) // 100ms·2^36 still fits in a time.Duration
			assert.GreaterOrEqual(t, pauses[len(pauses)-1], longest,
				"the last pause was %v; without a cap the backoff grows to at least %v × 100ms·2^36 = %v", pauses[len(pauses)-1], r, longest)
		})
	})
}

func TestJitterSpreadsAHerdOfClientsApart(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const clients = 100
		base, cap := 100*time.Millisecond, time.Second
		// Rand is nil: Do must draw from math/rand/v2 itself.
		p := retries.Policy{MaxAttempts: 4, Base: base, Cap: cap}

		// 100 clients fail at the same instant, as they do when a
		// dependency falls over under all of them.
		type outcome struct {
			calls []time.Time
			crash any
		}
		done := make(chan outcome, clients)
		for range clients {
			go func() {
				sw := &stopwatch{err: retries.Retryable(errUnavailable)}
				defer func() { done <- outcome{sw.calls, recover()} }()
				_ = retries.Do(t.Context(), p, sw.op)
			}()
		}
		// Every client has finished before the test looks: a failed
		// assertion ends the test, and its context, under clients still running.
		start := time.Now()
		var outcomes []outcome
		for range clients {
			outcomes = append(outcomes, <-done)
		}
		together := map[time.Duration]int{} // how many clients retried at each instant
		for _, o := range outcomes {
			require.Nil(t, o.crash, "Do panicked with a nil Rand: when p.Rand is nil, use rand.Float64 from math/rand/v2")
			sw := stopwatch{calls: o.calls}
			for n, got := range sw.pauses() {
				limit := ceiling(base, cap, n)
				require.True(t, got >= 0 && got <= limit,
					"a client paused %v before retry %d; full jitter picks a pause in [0, %v)", got, n, limit)
			}
			retried := map[time.Duration]bool{}
			for _, c := range o.calls[1:] {
				retried[c.Sub(start)] = true
			}
			for at := range retried {
				together[at]++
			}
		}
		worst, when := 0, time.Duration(0)
		for at, n := range together {
			if n > worst {
				worst, when = n, at
			}
		}
		assert.LessOrEqual(t, worst, 2,
			"%d of %d clients retried together at %v: clients that failed together come back together and knock "+
				"the dependency over again. Full jitter draws each sleep at random in [0, min(Cap, Base·2^n)), "+
				"so they come back spread out", worst, clients, when)
	})
}

// Exercise 3: never sleep past the caller's deadline.

func TestGivesUpAtOnceWhenTheNextSleepWouldEndPastTheDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		dep := downDependency(tl, 100*time.Millisecond)
		p := retries.Policy{MaxAttempts: 10, Base: 100 * time.Millisecond, Cap: 10 * time.Second, Rand: constant(0.5)}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()

		waited, err := request(ctx, tl, p, callOf(dep))

		// Calls at 0, 150ms, 350ms and 650ms, 100ms each, with pauses of
		// 50ms, 100ms and 200ms between them. At 750ms the next pause is
		// 400ms, which would end at 1.15s: after the 1s deadline.
		show(t, "deadline-give-up", picture(tl))
		assert.Equal(t, 750*time.Millisecond, waited,
			"the client waited %v. After the 4th call failed at 750ms, the next pause (400ms) would end at 1.15s, "+
				"past the 1s deadline: Do should give up at once, at 750ms, not sleep for nothing\n%s", waited, picture(tl))
		assert.Equal(t, 4, dep.Calls(), "4 calls fit before the deadline\n%s", picture(tl))
		require.Error(t, err)
		assert.ErrorIs(t, err, errUnavailable,
			"got %q; the error should wrap the last error, so the caller can tell what failed", err)
		assert.ErrorIs(t, err, retries.ErrNoTimeToRetry,
			"got %q; the error should also say why Do stopped: wrap retries.ErrNoTimeToRetry, the next try would come too late", err)
		assert.NotErrorIs(t, err, context.DeadlineExceeded,
			"got %q; the caller's deadline has not passed (250ms are left, for a fallback perhaps): "+
				"context.DeadlineExceeded would say it had. Wrap retries.ErrNoTimeToRetry instead", err)
		assert.False(t, retries.IsRetryable(err), "got %q; Do gave up on it: mark it retries.DoNotRetry", err)
	})
}

func TestCancelDuringASleepEndsTheWaitAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		dep := downDependency(tl, 100*time.Millisecond)
		p := retries.Policy{MaxAttempts: 3, Base: time.Second, Cap: 10 * time.Second, Rand: constant(0.5)}
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(250*time.Millisecond, cancel) // the user gives up during the first pause

		waited, err := request(ctx, tl, p, callOf(dep))

		assert.Equal(t, 250*time.Millisecond, waited,
			"the client waited %v. The first call failed at 100ms and Do began a 500ms pause; the caller cancelled "+
				"at 250ms, so Do should return at 250ms: sleep on a timer in a select with ctx.Done(), "+
				"not with time.Sleep\n%s", waited, picture(tl))
		assert.Equal(t, 1, dep.Calls(),
			"the caller cancelled during the first pause, so there should be no second call\n%s", picture(tl))
		require.Error(t, err)
		assert.ErrorIs(t, err, context.Canceled, "got %q; the error should say the caller cancelled", err)
		assert.ErrorIs(t, err, errUnavailable, "got %q; the error should wrap the last error too", err)
	})
}

// Exercise 4: a timeout for each attempt. The caller's deadline is final.

// deafDependency returns a dependency that takes latency(n) for call n and
// does not listen to its context: a call goes on after its caller has given
// up, as a query on a stuck connection does. Unless tl is nil, each call is
// drawn on tl.
func deafDependency(tl *timeline.Timeline, latency func(n int) time.Duration) *backend.Backend {
	opts := []backend.Option{backend.LatencyFunc(latency), backend.IgnoreContext()}
	if tl != nil {
		opts = append(opts, backend.Record(tl))
	}
	return backend.New("dependency", opts...)
}

func TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letAbandonedCallsFinish()
		tl := timeline.New()
		// The first call hangs for 10s; the others answer in 50ms.
		dep := deafDependency(tl, func(n int) time.Duration {
			if n == 1 {
				return 10 * time.Second
			}
			return 50 * time.Millisecond
		})
		// Reading a price is idempotent: an abandoned read harms nobody.
		p := retries.Policy{MaxAttempts: 3, AttemptTimeout: 300 * time.Millisecond, Idempotent: true,
			Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()

		waited, err := request(ctx, tl, p, callOf(dep))

		show(t, "hung-attempt", picture(tl))
		assert.Equal(t, 400*time.Millisecond, waited,
			"the client waited %v. The first call hung (10s, and it does not listen to its context). With "+
				"AttemptTimeout 300ms, Do should stop waiting for it at 300ms, sleep 50ms, and retry at 350ms; that "+
				"call answers at 400ms. Run each attempt in a goroutine with a context.WithTimeout of its own, hand "+
				"its result over a channel of capacity 1, and select on that channel and the attempt's ctx.Done()\n%s",
			waited, picture(tl))
		assert.NoError(t, err, "the second call succeeded, so Do should succeed\n%s", picture(tl))
		assert.Equal(t, 2, dep.Calls(), "one hung call and one that answered\n%s", picture(tl))
	})
}

func TestATimedOutAttemptIsRetriedOnlyWhenTheOperationIsIdempotent(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letAbandonedCallsFinish()
		tl := timeline.New()
		// Charging a card takes 500ms, and the charge goes through even
		// after its caller stopped waiting: the answer is lost, not the effect.
		card := backend.New("charge card", backend.Latency(500*time.Millisecond), backend.IgnoreContext(), backend.Record(tl))
		charge := func(ctx context.Context) error {
			_, err := card.Call(ctx, "POST /charges")
			return err
		}
		// Idempotent is not set: charging twice charges twice.
		p := retries.Policy{MaxAttempts: 3, AttemptTimeout: 200 * time.Millisecond,
			Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		waited, err := request(t.Context(), tl, p, charge)
		synctest.Wait()
		time.Sleep(time.Second) // the abandoned charges end, so the drawing shows them whole

		show(t, "card-charged", picture(tl))
		assert.Equal(t, 1, card.Calls(),
			"the card was charged %d times for one payment. The first attempt timed out at 200ms, but a timeout is "+
				"an unknown outcome: the charge went through at 500ms all the same. Retry a timed-out attempt only "+
				"when Policy.Idempotent says op is safe to repeat; otherwise return at once\n%s", card.Calls(), picture(tl))
		assert.Equal(t, 200*time.Millisecond, waited,
			"the client waited %v; Do should stop waiting at the 200ms AttemptTimeout and return at once\n%s", waited, picture(tl))
		require.Error(t, err, "the attempt timed out, so Do should fail")
		assert.ErrorIs(t, err, retries.ErrAttemptTimeout, "got %q; say that the attempt timed out", err)
		assert.False(t, retries.IsRetryable(err),
			"got %q, which the layer above would retry, charging the card again: mark it retries.DoNotRetry", err)
	})
}

func TestAnAttemptThatTimesOutSaysSoNotThatTheCallersDeadlinePassed(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letAbandonedCallsFinish()
		tl := timeline.New()
		// Every call would take 10s; this dependency listens to its context.
		dep := backend.New("dependency", backend.Latency(10*time.Second), backend.Record(tl))
		p := retries.Policy{MaxAttempts: 2, AttemptTimeout: 100 * time.Millisecond, Idempotent: true,
			Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		// The caller has no deadline at all.
		waited, err := request(t.Context(), tl, p, callOf(dep))

		assert.Equal(t, 250*time.Millisecond, waited,
			"the client waited %v: two attempts of 100ms (the AttemptTimeout) with a 50ms pause between them "+
				"make 250ms\n%s", waited, picture(tl))
		require.Error(t, err, "both attempts timed out, so Do should fail")
		assert.ErrorIs(t, err, retries.ErrAttemptTimeout,
			"got %q; an attempt that ran out of its AttemptTimeout should fail with an error that wraps "+
				"retries.ErrAttemptTimeout, and be retried", err)
		assert.NotErrorIs(t, err, context.DeadlineExceeded,
			"got %q; the caller had no deadline, yet the error says context.DeadlineExceeded. Callers read that as "+
				"\"my own deadline passed\" and stop retrying: report the attempt's timeout as retries.ErrAttemptTimeout, "+
				"not as the context error the attempt saw", err)
	})
}

func TestTheCallersDeadlineEndsAnAttemptThatIgnoresIt(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		attemptTimeout time.Duration
		calls          int
		why            string
	}{
		{0, 1, "the one attempt had no timeout of its own, so it runs until the caller's deadline"},
		{300 * time.Millisecond, 3, "attempts at 0, 350ms and 750ms (300ms each, pauses of 50ms and 100ms); the third is cut short by the caller's deadline"},
	} {
		t.Run(fmt.Sprintf("AttemptTimeout=%v", tc.attemptTimeout), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letAbandonedCallsFinish()
				tl := timeline.New()
				dep := deafDependency(tl, func(int) time.Duration { return 10 * time.Second })
				p := retries.Policy{MaxAttempts: 10, AttemptTimeout: tc.attemptTimeout, Idempotent: true,
					Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}
				ctx, cancel := context.WithTimeout(t.Context(), time.Second)
				defer cancel()

				waited, err := request(ctx, tl, p, callOf(dep))

				assert.Equal(t, time.Second, waited,
					"the client waited %v with a 1s deadline: Do should stop waiting at the deadline even when "+
						"the dependency does not listen to its context (it takes 10s), and never retry after it\n%s",
					waited, picture(tl))
				assert.Equal(t, tc.calls, dep.Calls(), "%s\n%s", tc.why, picture(tl))
				require.Error(t, err, "the caller's deadline passed, so Do should fail")
				assert.ErrorIs(t, err, context.DeadlineExceeded,
					"got %q; the caller's deadline passed: the error should wrap ctx.Err()", err)
			})
		})
	}
}

// Exercise 5: honour the server's Retry-After, with jitter on top.

func TestRetryAfterWaitsTheServersHintPlusJitter(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		s := &script{errs: []error{
			retries.Retryable(overloaded{2 * time.Second}),
			fmt.Errorf("GET /price: %w", retries.Retryable(overloaded{time.Second})),
			retries.Retryable(errUnavailable), // no hint this time
		}}
		p := retries.Policy{MaxAttempts: 5, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		err := retries.Do(t.Context(), p, s.op)

		got := list(s.pauses())
		show(t, "retry-after-pauses", "Retry-After 2s, then 1s, then no hint; Base 100ms, Rand 0.5:\n"+got+"\n")
		require.NoError(t, err, "the 4th call succeeded, so Do should succeed")
		assert.Equal(t, "[2.05s 1.1s 200ms]", got,
			"the pauses before each retry. The server asked for 2s, then 1s, then gave no hint. Wait what it asked "+
				"PLUS the usual full-jitter backoff, hint + Rand()×min(Cap, Base·2^n): 2s + 50ms, 1s + 100ms, then "+
				"200ms. Find the hint with errors.As on an interface{ RetryAfter() time.Duration }: it may be wrapped")
	})
}

func TestANegativeRetryAfterIsNoHint(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// An HTTP date already in the past, read as a wait, is negative.
		s := &script{errs: []error{retries.Retryable(overloaded{-5 * time.Second})}}
		p := retries.Policy{MaxAttempts: 2, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		err := retries.Do(t.Context(), p, s.op)

		require.NoError(t, err, "the 2nd call succeeded, so Do should succeed")
		assert.Equal(t, "[50ms]", list(s.pauses()),
			"the pause before the retry, after a Retry-After of -5s: a negative wait is no hint, so Do should sleep "+
				"the usual backoff, 0.5 × 100ms. Added as it is, it makes the sleep negative, and the retry comes at once")
	})
}

func TestARetryAfterPastTheDeadlineGivesUpAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		dep := downDependency(tl, 100*time.Millisecond, backend.FailWith(retries.Retryable(overloaded{5 * time.Second})))
		p := retries.Policy{MaxAttempts: 5, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()

		waited, err := request(ctx, tl, p, callOf(dep))

		assert.Equal(t, 100*time.Millisecond, waited,
			"the client waited %v. At 100ms the server said: retry after 5s. The caller's deadline is at 1s, so no "+
				"retry can come in time: give up at once, at 100ms\n%s", waited, picture(tl))
		assert.Equal(t, 1, dep.Calls(), "no retry fits before the deadline\n%s", picture(tl))
		require.Error(t, err)
		assert.ErrorIs(t, err, retries.ErrNoTimeToRetry, "got %q; say why Do stopped: the retry would come too late", err)
		var hint interface{ RetryAfter() time.Duration }
		if assert.ErrorAs(t, err, &hint,
			"got %q; wrap the last error with %%w, so the caller can find the server's Retry-After and pass it on", err) {
			assert.Equal(t, 5*time.Second, hint.RetryAfter())
		}
	})
}

func TestClientsToldTheSameRetryAfterComeBackSpreadOut(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const clients = 100
		hint, base := time.Second, 100*time.Millisecond
		// Rand is nil: Do draws from math/rand/v2 itself.
		p := retries.Policy{MaxAttempts: 2, Base: base, Cap: time.Second}

		// 100 clients are turned away at the same instant with the same
		// Retry-After, as a server that sheds load tells everyone.
		retried := make(chan time.Duration, clients)
		start := time.Now()
		for range clients {
			go func() {
				s := &script{errs: []error{retries.Retryable(overloaded{hint})}}
				_ = retries.Do(t.Context(), p, s.op)
				if len(s.calls) > 1 {
					retried <- s.calls[1].Sub(start)
				} else {
					retried <- -1
				}
			}()
		}
		// Every client has finished before the test looks: a failed
		// assertion ends the test, and its context, under clients still running.
		var ats []time.Duration
		for range clients {
			ats = append(ats, <-retried)
		}
		together := map[time.Duration]int{}
		worst, when := 0, time.Duration(0)
		for _, at := range ats {
			require.True(t, at >= hint && at < hint+base,
				"a client came back %v after it was told \"Retry-After 1s\" (-1: never); it should come back in "+
					"[1s, 1.1s): the hint, plus full jitter of the first backoff, U(0, 100ms)", at)
			together[at]++
			if together[at] > worst {
				worst, when = together[at], at
			}
		}
		assert.LessOrEqual(t, worst, 2,
			"%d of %d clients came back together at %v. Every one was told the same Retry-After: without jitter on "+
				"top they all return at that instant, and the server that shed them meets them all again", worst, clients, when)
	})
}
