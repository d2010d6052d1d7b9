package warmup_test

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/timeline"
	"github.com/wherewaiting/workshop/lessons/00-warmup"
)

// slept is what one call of warmup.Sleep did.
type slept struct {
	waited   time.Duration // how long the caller waited, in virtual time
	err      error
	panicked string // what panicked, and where, if Sleep panicked
}

// callSleep calls warmup.Sleep(ctx, d) as "caller" on tl and returns how
// long it kept the caller waiting. It waits for Sleep at most d plus a
// minute; if Sleep has not returned by then, the test fails.
func callSleep(t *testing.T, tl *timeline.Timeline, ctx context.Context, d time.Duration) slept {
	t.Helper()
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	done := make(chan slept, 1) // room for the answer, even if nobody reads it
	go func() {
		end := tl.Begin(fmt.Sprintf("caller: Sleep(%v)", d))
		start := time.Now()
		var s slept
		defer func() {
			end()
			s.waited = time.Since(start)
			if v := recover(); v != nil {
				s.panicked = panicked(v)
			}
			done <- s
		}()
		s.err = warmup.Sleep(ctx, d)
	}()
	select {
	case s := <-done:
		if s.panicked != "" {
			t.Fatal(s.panicked)
		}
		return s
	case <-time.After(d + patience):
		stop() // give it one more chance to return, so nothing is left stuck
		select {
		case <-done:
		case <-time.After(patience):
		}
		t.Fatalf("Sleep(ctx, %v) kept the caller waiting more than %v and never returned: "+
			"it must return after d at the latest\n%s", d, d+patience, tl)
		return slept{}
	}
}

// drawContext draws ctx on tl as a span that ends when ctx is done.
func drawContext(tl *timeline.Timeline, ctx context.Context) {
	context.AfterFunc(ctx, tl.Begin("context"))
}

// assertNothingLeftWaiting checks that Sleep left no goroutine of its own
// behind. If it did, the goroutine is given time to end (time is free in a
// bubble), so that the bubble does not crash.
func assertNothingLeftWaiting(t *testing.T, before goleak.Option, d time.Duration) {
	t.Helper()
	synctest.Wait()
	if leak := leftBehind(before); leak != "" {
		t.Errorf("Sleep returned, but it left a goroutine behind that is still waiting, for nobody; "+
			"wait in Sleep itself (a timer and a select), not in a goroutine you cannot stop. goleak found:\n%s", leak)
		time.Sleep(d)
		synctest.Wait()
	}
}

func TestSleepWaitsTheWholeDurationWhenNobodyCancels(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, d := range []time.Duration{time.Hour, 90 * time.Second, 0} {
		synctest.Test(t, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			tl := timeline.New()

			got := callSleep(t, tl, t.Context(), d)

			assert.NoError(t, got.err, "nobody cancelled, so Sleep(ctx, %v) should report a full wait", d)
			assert.Equal(t, d, got.waited,
				"Sleep(ctx, %v) kept the caller waiting %v; with nobody cancelling it should wait exactly %v "+
					"(an hour of virtual time costs no real time)\n%s", d, got.waited, d, tl)
			assertNothingLeftWaiting(t, before, d)
		})
	}
}

func TestSleepStopsTheMomentTheContextIsCancelled(t *testing.T) {
	defer goleak.VerifyNone(t)
	// The second instant is one that no step of a polling loop lands on (a
	// check every 1s, 50ms or 1ms notices it at 3s, 2.35s or 2.346s): only a
	// wait on ctx.Done() itself stops there.
	for _, at := range []time.Duration{2500 * time.Millisecond, 2345678901 * time.Nanosecond} {
		synctest.Test(t, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			tl := timeline.New()
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			drawContext(tl, ctx)
			time.AfterFunc(at, cancel) // the caller stops caring

			got := callSleep(t, tl, ctx, 10*time.Second)
			synctest.Wait() // the context's bar ends in a goroutine of its own
			if at == 2500*time.Millisecond {
				timeline.Keep(t, "sleep-cancelled-at-2500ms", tl.String())
			}

			assert.Equal(t, at, got.waited,
				"Sleep(ctx, 10s) kept the caller waiting %v, but ctx was cancelled at %v: Sleep should stop "+
					"waiting at that very moment, not at its next check; wait in a select on a timer and "+
					"ctx.Done()\n%s", got.waited, at, tl)
			assert.ErrorIs(t, got.err, context.Canceled,
				"a wait cut short by cancel() should return ctx.Err(), so the caller knows it did not wait the full time")
			assertNothingLeftWaiting(t, before, 10*time.Second)
		})
	}
}

func TestSleepGivesUpAtTheDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		before := goleak.IgnoreCurrent()
		tl := timeline.New()
		ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
		defer cancel()
		drawContext(tl, ctx)

		got := callSleep(t, tl, ctx, 5*time.Second)

		assert.Equal(t, 1500*time.Millisecond, got.waited,
			"Sleep(ctx, 5s) kept the caller waiting %v, but ctx's deadline was at 1.5s: "+
				"Sleep should give up exactly at the deadline\n%s", got.waited, tl)
		assert.ErrorIs(t, got.err, context.DeadlineExceeded,
			"a wait cut short by a deadline should return ctx.Err(), which is context.DeadlineExceeded")
		assertNothingLeftWaiting(t, before, 5*time.Second)
	})
}

func TestSleepReturnsAtOnceWhenTheContextIsAlreadyDone(t *testing.T) {
	defer goleak.VerifyNone(t)
	// With d = 0 the timer is due at once too, and when two cases of a
	// select are ready, Go picks one at random: only a look at ctx before
	// the wait reports the cancel every time. 64 calls leave a lucky pass
	// one chance in 2^64.
	for _, c := range []struct {
		d     time.Duration
		calls int
	}{{time.Minute, 1}, {0, 64}} {
		synctest.Test(t, func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			ctx, cancel := context.WithCancel(t.Context())
			cancel() // the caller gave up before it even asked

			for range c.calls {
				tl := timeline.New()
				got := callSleep(t, tl, ctx, c.d)

				require.Equal(t, time.Duration(0), got.waited,
					"Sleep(ctx, %v) kept the caller waiting %v although ctx was already cancelled: "+
						"it should not start waiting at all\n%s", c.d, got.waited, tl)
				require.ErrorIs(t, got.err, context.Canceled,
					"Sleep(ctx, %v) on a cancelled ctx should return ctx.Err(), every time; with d = 0 the timer "+
						"is ready too, and a select picks at random between ready cases: check ctx before you wait", c.d)
			}
			assertNothingLeftWaiting(t, before, c.d)
		})
	}
}

func TestSleepOnADoneContextReportsItEvenWithNothingToWait(t *testing.T) {
	// With d <= 0 a timer is ready at once, and so is the Done channel of a
	// context that has ended: a select between them picks one at random.
	// Code that goes straight to the select returns nil in half the rounds:
	// 100 independent rounds, each asserting, catch it with probability
	// 1 - 2^-100.
	const rounds = 100
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		before := goleak.IgnoreCurrent()
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // the caller gave up before it even asked
		for round := range rounds {
			d := time.Duration(-(round % 2)) * time.Second // 0 and -1s in turn
			tl := timeline.New()

			got := callSleep(t, tl, ctx, d)

			require.ErrorIs(t, got.err, context.Canceled,
				"round %d of %d: Sleep(ctx, %v) on a cancelled ctx returned %v; it should return ctx.Err(). "+
					"There was nothing to wait for, but the caller had already given up, and a nil says it "+
					"waited the full time. A timer of %v is ready at once, like ctx.Done(), and a select picks "+
					"at random among ready cases: check ctx.Err() first", round+1, rounds, d, got.err, d)
			require.Zero(t, got.waited, "round %d of %d: Sleep(ctx, %v) on a cancelled ctx should not wait", round+1, rounds, d)
		}
		assertNothingLeftWaiting(t, before, time.Minute)
	})
}
