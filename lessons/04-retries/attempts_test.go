package retries_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
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

				assert.Equal(t, tc.calls, dep.Calls(),
					"one request to a dependency that is down made %d calls; with MaxAttempts %d it should make %d "+
						"(the first call counts). Every extra call is load on something already failing\n%s",
					dep.Calls(), tc.maxAttempts, tc.calls, picture(tl))
				require.Error(t, err, "every call failed, so Do should fail")
				assert.ErrorIs(t, err, errUnavailable,
					"got %q; when the attempts run out, wrap the last error with %%w, so the caller can tell what failed", err)
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

// stack builds a call path of len(policies) services, each calling the one
// below it through retries.Do with its own policy; the lowest calls bottom.
// policies[0] is the top. If bottom gets more than storm calls, every layer
// stops calling down, so a Do that ignores MaxAttempts cannot run for ever.
func stack(bottom *backend.Backend, storm int, policies ...retries.Policy) func(context.Context) error {
	errStorm := errors.New("the test stopped the storm")
	op := callOf(bottom)
	for _, p := range slices.Backward(policies) {
		below := op
		op = func(ctx context.Context) error {
			if bottom.Calls() >= storm {
				return errStorm
			}
			return retries.Do(ctx, p, below)
		}
	}
	return op
}

func TestRetriesMultiplyAcrossLayers(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		bottom := downDependency(nil, 10*time.Millisecond)
		p := retries.Policy{MaxAttempts: 3, Base: 10 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}
		const storm = 5000

		err := stack(bottom, storm, p, p, p, p, p)(t.Context())

		require.Error(t, err, "the database is down, so the top caller should get an error")
		require.Less(t, bottom.Calls(), storm,
			"the test stopped the storm after %d calls reached the database for ONE request at the top; "+
				"each of the 5 layers should make at most 3 attempts", storm)
		assert.Equal(t, 243, bottom.Calls(),
			"5 layers that each make 3 attempts turn one request at the top into 3×3×3×3×3 = 3^5 = 243 calls "+
				"at the bottom; got %d. (If you got fewer, does Do's error still wrap the retryable error it "+
				"gave up on? The layer above decides with IsRetryable.)", bottom.Calls())
		t.Logf("one request at the top, 5 layers × 3 attempts: %d calls reached the database", bottom.Calls())
	})
}

func TestRetryingAtOneLayerOnlyKeepsTheLoadFlat(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		bottom := downDependency(nil, 10*time.Millisecond)
		passThrough := retries.Policy{MaxAttempts: 1}
		retrying := retries.Policy{MaxAttempts: 3, Base: 10 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}
		const storm = 5000

		// Only the layer next to the database retries; the four above pass
		// failures straight up.
		err := stack(bottom, storm, passThrough, passThrough, passThrough, passThrough, retrying)(t.Context())

		require.Error(t, err, "the database is down, so the top caller should get an error")
		assert.Equal(t, 3, bottom.Calls(),
			"4 layers with MaxAttempts 1 and one layer with 3: one request should reach the database 1×1×1×1×3 = 3 times; got %d",
			bottom.Calls())
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
		require.Equal(t, show(want[:6]), show(got[:6]),
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
			assert.Equal(t, want, show(sw.pauses()),
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
			require.Equal(t, 11, len(pauses), "MaxAttempts is 12, so Do should pause 11 times: %s", show(pauses))
			for n, got := range pauses {
				limit := ceiling(base, cap, n)
				assert.LessOrEqual(t, got, limit,
					"pauses %s: the pause before retry %d should never pass min(Cap, Base·2^n) = %v", show(pauses), n, limit)
				assert.GreaterOrEqual(t, got, limit*99/100,
					"pauses %s: with Rand almost 1, the pause before retry %d should be almost %v",
					show(pauses), n, limit)
			}
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
		together := map[time.Duration]int{} // how many clients retried at each instant
		start := time.Now()
		for range clients {
			o := <-done
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
		assert.Equal(t, 750*time.Millisecond, waited,
			"the client waited %v. After the 4th call failed at 750ms, the next pause (400ms) would end at 1.15s, "+
				"past the 1s deadline: Do should give up at once, at 750ms, not sleep for nothing\n%s", waited, picture(tl))
		assert.Equal(t, 4, dep.Calls(), "4 calls fit before the deadline\n%s", picture(tl))
		require.Error(t, err)
		assert.ErrorIs(t, err, errUnavailable,
			"got %q; the error should wrap the last error, so the caller can tell what failed", err)
		assert.ErrorIs(t, err, context.DeadlineExceeded,
			"got %q; the error should also say why Do stopped: wrap context.DeadlineExceeded, the next try would come too late", err)
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
