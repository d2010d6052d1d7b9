package breaker_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
	breaker "github.com/wherewaiting/workshop/lessons/05-circuit-breaker"
)

// errDown is what a dead dependency answers, after making its caller wait.
var errDown = errors.New("dependency down")

// Exercise 1: trip after more than MaxFailures failures in a row, then fail fast.

func TestTheBreakerOpensAfterMoreThanMaxFailuresInARow(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		maxFailures int // as set in Settings
		trips       int // the failure that opens the breaker
	}{
		{maxFailures: 0, trips: 6}, // the default: more than 5
		{maxFailures: 1, trips: 2},
		{maxFailures: 3, trips: 4},
	} {
		t.Run(fmt.Sprintf("MaxFailures=%d", tc.maxFailures), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				tl := timeline.New()
				dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
				br := breaker.New(breaker.Settings{MaxFailures: tc.maxFailures, OpenTimeout: time.Hour})

				var got, want []string
				for i := 1; i <= tc.trips; i++ {
					r := callOne(t, br, via(dep), tl, fmt.Sprintf("client %d", i))
					require.ErrorIs(t, r.err, errDown,
						"call %d was made while the breaker was closed, so it should reach the dependency and return its error\n%s", i, tl)
					got = append(got, fmt.Sprintf("after %d: %v", i, br.State()))
					if i < tc.trips {
						want = append(want, fmt.Sprintf("after %d: closed", i))
					} else {
						want = append(want, fmt.Sprintf("after %d: open", i))
					}
				}
				assert.Equal(t, want, got,
					"the breaker's state after each failure in a row: with MaxFailures=%d (0 means the default, 5) it should stay "+
						"closed for %d failures in a row and open on failure %d, after MORE than MaxFailures\n%s",
					tc.maxFailures, tc.trips-1, tc.trips, tl)
				assert.Equal(t, tc.trips, dep.Calls(), "every call was made while the breaker was closed")
			})
		})
	}
}

func TestASuccessInBetweenResetsTheFailureCount(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		// Three failures, one success, then nothing but failures.
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailFunc(func(n int) error {
			if n == 4 {
				return nil
			}
			return errDown
		}))
		br := breaker.New(breaker.Settings{MaxFailures: 3, OpenTimeout: time.Hour})

		var got []string
		for i := 1; i <= 8; i++ {
			callOne(t, br, via(dep), tl, fmt.Sprintf("client %d", i))
			got = append(got, br.State().String())
		}
		want := []string{"closed", "closed", "closed", "closed", "closed", "closed", "closed", "open"}
		assert.Equal(t, want, got,
			"the state after each call of fail, fail, fail, SUCCEED, fail, fail, fail, fail with MaxFailures=3: "+
				"only failures IN A ROW count, so the success resets the count and the breaker opens on the 4th failure "+
				"after it, not on the 4th failure in all\n%s", tl)
	})
}

func TestAnOpenBreakerFailsFastWithoutCallingTheDependency(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		const clients = 10
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(2*time.Second), backend.FailWith(errDown))
		br := breaker.New(breaker.Settings{MaxFailures: 5, OpenTimeout: time.Minute})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		// A client arrives every second; the dead dependency makes each one
		// wait 2s before it fails.
		var pending []<-chan result
		for i := 1; i <= clients; i++ {
			pending = append(pending, goCall(ctx, br, via(dep), tl, fmt.Sprintf("client %d", i)))
			time.Sleep(time.Second)
			synctest.Wait() // whatever ended at this instant is counted before the next client comes
		}
		results := await(t, tl, cancel, pending...)
		show(t, "dead-dependency", callers(tl))

		var waits []string
		for _, r := range results {
			waits = append(waits, r.waited.String())
		}
		assert.Equal(t, []string{"2s", "2s", "2s", "2s", "2s", "2s", "2s", "0s", "0s", "0s"}, waits,
			"the clients' waits, client 1 first. Clients 1 to 6 each wait 2s and fail; the 6th failure in a row (more "+
				"than MaxFailures=5) opens the breaker at 7s. Client 7 was already waiting. From client 8 on, the breaker "+
				"is open: they should fail at once and wait 0s, not 2s for a dependency known to be dead\n%s", tl)
		for i, r := range results {
			if i < 7 {
				assert.ErrorIs(t, r.err, errDown, "%s called while the breaker was closed: it should get the dependency's own error", r.who)
			} else {
				assert.ErrorIs(t, r.err, breaker.ErrOpen, "%s called while the breaker was open: it should get breaker.ErrOpen", r.who)
			}
		}
		assert.Equal(t, 7, dep.Calls(),
			"the dependency was called %d times; an open breaker must not call it at all, so only the 7 clients "+
				"that came while it was closed reach it\n%s", dep.Calls(), tl)
	})
}

// Exercise 2: half-open after the timeout, a few trial calls, close or open again.

func TestTheBreakerHalfOpensExactlyAtTheOpenTimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name    string
		setting time.Duration // Settings.OpenTimeout
		timeout time.Duration // what it should be
	}{
		{name: "OpenTimeout=10s", setting: 10 * time.Second, timeout: 10 * time.Second},
		{name: "default", setting: 0, timeout: 60 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				start := time.Now()
				tl := timeline.New()
				dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
				br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: tc.setting})

				trip(t, br, dep, tl, 2) // two calls of 1s: open at 2s
				tripped := 2 * time.Second

				at(start, tripped+tc.timeout-time.Nanosecond)
				assert.Equal(t, breaker.Open.String(), br.State().String(),
					"at %v, 1ns before the %v open timeout is over (it opened at %v), the breaker should still be open: "+
						"count the timeout from the moment it opened\n%s", tripped+tc.timeout-time.Nanosecond, tc.timeout, tripped, tl)
				r := callOne(t, br, via(dep), tl, "early client")
				assert.ErrorIs(t, r.err, breaker.ErrOpen, "a call 1ns before the timeout is over should still get ErrOpen\n%s", tl)
				assert.Zero(t, r.waited, "an open breaker should fail at once; the client waited %v\n%s", r.waited, tl)
				assert.Equal(t, 2, dep.Calls(), "an open breaker must not call the dependency\n%s", tl)

				at(start, tripped+tc.timeout)
				assert.Equal(t, breaker.HalfOpen.String(), br.State().String(),
					"at %v, exactly %v after it opened, the breaker should be half-open: let State see that the "+
						"timeout has passed (time.Now is virtual here)\n%s", tripped+tc.timeout, tc.timeout, tl)
			})
		})
	}
}

func TestHalfOpenLetsOnlyHalfOpenMaxTrialCallsThrough(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		setting int // Settings.HalfOpenMax
		trials  int // what it should be
	}{
		{setting: 0, trials: 1}, // the default
		{setting: 3, trials: 3},
	} {
		t.Run(fmt.Sprintf("HalfOpenMax=%d", tc.setting), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				start := time.Now()
				tl := timeline.New()
				// Down for the first two calls, then back: each call takes 1s.
				dep := newDependency(tl, backend.Latency(time.Second), failFirst(2))
				br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 5 * time.Second, HalfOpenMax: tc.setting})
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()

				trip(t, br, dep, tl, 2)
				at(start, 7*time.Second)
				require.Equal(t, breaker.HalfOpen.String(), br.State().String(), "5s after opening at 2s, the breaker should be half-open\n%s", tl)

				var trials []<-chan result
				for i := 1; i <= tc.trials; i++ {
					trials = append(trials, goCall(ctx, br, via(dep), tl, fmt.Sprintf("trial %d", i)))
					synctest.Wait()
				}
				assert.Equal(t, tc.trials, dep.Stats().InFlight,
					"with HalfOpenMax=%d (0 means the default, 1), %d trial calls should be at the dependency at once\n%s",
					tc.setting, tc.trials, tl)

				extra := await(t, tl, cancel, goCall(ctx, br, via(dep), tl, "one too many"))[0]
				assert.ErrorIs(t, extra.err, breaker.ErrTooManyRequests,
					"all %d trial calls are taken, so one more call should get ErrTooManyRequests\n%s", tc.trials, tl)
				assert.Zero(t, extra.waited,
					"the extra caller waited %v; it should be turned away at once, not queued behind the trials\n%s", extra.waited, tl)
				assert.Equal(t, 2+tc.trials, dep.Calls(),
					"the dependency should see the 2 calls that opened the breaker and the %d trials, nothing more\n%s", tc.trials, tl)

				for _, r := range await(t, tl, cancel, trials...) {
					assert.NoError(t, r.err, "%s: the dependency is back, so the trial should succeed\n%s", r.who, tl)
				}
			})
		})
	}
}

func TestASuccessfulTrialClosesTheBreaker(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		// Down for 3 calls, up for the 4th (the trial), down again after.
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailFunc(func(n int) error {
			if n == 4 {
				return nil
			}
			return errDown
		}))
		br := breaker.New(breaker.Settings{MaxFailures: 2, OpenTimeout: 10 * time.Second})

		trip(t, br, dep, tl, 3) // open at 3s
		at(start, 13*time.Second)
		r := callOne(t, br, via(dep), tl, "trial")
		require.NoError(t, r.err, "the trial at 13s should reach the dependency, which is back\n%s", tl)
		assert.Equal(t, breaker.Closed.String(), br.State().String(),
			"the trial call succeeded, so the breaker should be closed: the dependency is back\n%s", tl)

		// Closed again, with a fresh count: two failures are fine, the third opens it.
		var got []string
		for i := 1; i <= 3; i++ {
			r := callOne(t, br, via(dep), tl, fmt.Sprintf("client %d", i))
			require.ErrorIs(t, r.err, errDown, "a closed breaker should let call %d through to the dependency\n%s", i, tl)
			got = append(got, br.State().String())
		}
		assert.Equal(t, []string{"closed", "closed", "open"}, got,
			"after closing, the failures before the trip are forgotten: with MaxFailures=2 the breaker should open on the "+
				"3rd new failure in a row, not earlier\n%s", tl)
	})
}

func TestAFailedTrialReopensTheBreakerAndRestartsTheTimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second})

		trip(t, br, dep, tl, 2) // open at 2s
		at(start, 12*time.Second)
		r := callOne(t, br, via(dep), tl, "trial")
		require.ErrorIs(t, r.err, errDown, "the trial at 12s should reach the dependency and get its error\n%s", tl)
		assert.Equal(t, breaker.Open.String(), br.State().String(),
			"the trial failed at 13s, so the breaker should be open again, for a full 10s from now\n%s", tl)

		at(start, 23*time.Second-time.Nanosecond)
		assert.Equal(t, breaker.Open.String(), br.State().String(),
			"at 23s − 1ns the breaker should still be open: it opened again at 13s, and the 10s timeout starts again "+
				"from there, not from the first opening at 2s\n%s", tl)
		early := callOne(t, br, via(dep), tl, "early client")
		assert.ErrorIs(t, early.err, breaker.ErrOpen, "a call 1ns before the new timeout is over should get ErrOpen\n%s", tl)
		assert.Equal(t, 3, dep.Calls(), "an open breaker must not call the dependency\n%s", tl)

		at(start, 23*time.Second)
		assert.Equal(t, breaker.HalfOpen.String(), br.State().String(),
			"at 23s, 10s after the failed trial opened the breaker again, it should be half-open\n%s", tl)
	})
}

// Exercise 3: results from an earlier generation, state changes, many callers.

func TestALateSuccessFromBeforeTheTripDoesNotCloseTheBreaker(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		// Two slow reports, started while all is well, that will succeed.
		slow := backend.New("slow report", backend.Record(tl), backend.LatencyFunc(func(n int) time.Duration {
			return []time.Duration{5 * time.Second, 15 * time.Second}[n-1]
		}))
		// The dependency fails twice (1s each), then a 5s trial fails too.
		dep := newDependency(tl, backend.FailWith(errDown), backend.LatencyFunc(func(n int) time.Duration {
			if n == 3 {
				return 5 * time.Second
			}
			return time.Second
		}))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		reports := []<-chan result{goCall(ctx, br, via(slow), tl, "report A (5s)")}
		synctest.Wait()
		reports = append(reports, goCall(ctx, br, via(slow), tl, "report B (15s)"))
		synctest.Wait()
		trip(t, br, dep, tl, 2) // open at 2s

		at(start, 5*time.Second)
		assert.Equal(t, breaker.Open.String(), br.State().String(),
			"at 5s report A succeeded, but it started at 0s, before the breaker opened: its result is from an earlier "+
				"generation and must not close the breaker\n%s", tl)

		at(start, 12*time.Second)
		require.Equal(t, breaker.HalfOpen.String(), br.State().String(), "10s after opening at 2s, the breaker should be half-open\n%s", tl)
		trial := goCall(ctx, br, via(dep), tl, "trial (5s)")
		synctest.Wait()

		at(start, 15*time.Second)
		assert.Equal(t, breaker.HalfOpen.String(), br.State().String(),
			"at 15s report B succeeded, but it started before the breaker opened; only the trial call, still running, "+
				"may decide whether the breaker closes\n%s", tl)
		busy := callOne(t, br, via(dep), tl, "client at 15s")
		assert.ErrorIs(t, busy.err, breaker.ErrTooManyRequests,
			"at 15s the one trial call is still running, so another call should get ErrTooManyRequests\n%s", tl)

		require.ErrorIs(t, await(t, tl, cancel, trial)[0].err, errDown, "the trial should get the dependency's error\n%s", tl)
		assert.Equal(t, breaker.Open.String(), br.State().String(), "the trial failed at 17s, so the breaker should be open again\n%s", tl)
		for _, r := range await(t, tl, cancel, reports...) {
			assert.NoError(t, r.err, "%s succeeded: its caller gets its result even though the breaker ignores it", r.who)
		}
		show(t, "late-success", callers(tl))
	})
}

func TestALateFailureFromAnEarlierGenerationIsNotCounted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		// Two slow reports, started while all is well, that will fail.
		slow := backend.New("slow report", backend.Record(tl), backend.FailWith(errDown),
			backend.LatencyFunc(func(n int) time.Duration {
				return []time.Duration{13500 * time.Millisecond, 15 * time.Second}[n-1]
			}))
		// The dependency fails 3 times, is back for the 4th call (the trial),
		// then fails again. Every call takes 1s.
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailFunc(func(n int) error {
			if n == 4 {
				return nil
			}
			return errDown
		}))
		br := breaker.New(breaker.Settings{MaxFailures: 2, OpenTimeout: 10 * time.Second})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		reports := []<-chan result{goCall(ctx, br, via(slow), tl, "report A (13.5s)")}
		synctest.Wait()
		reports = append(reports, goCall(ctx, br, via(slow), tl, "report B (15s)"))
		synctest.Wait()
		trip(t, br, dep, tl, 3) // open at 3s

		at(start, 13*time.Second)
		trial := goCall(ctx, br, via(dep), tl, "trial (1s)")
		synctest.Wait()
		at(start, 13500*time.Millisecond)
		assert.Equal(t, breaker.HalfOpen.String(), br.State().String(),
			"at 13.5s report A failed, but it started before the breaker opened: its failure is from an earlier "+
				"generation and must not open the breaker again while the trial runs\n%s", tl)

		require.NoError(t, await(t, tl, cancel, trial)[0].err, "the trial at 13s should succeed: the dependency is back\n%s", tl)
		require.Equal(t, breaker.Closed.String(), br.State().String(), "the trial succeeded at 14s, so the breaker should be closed\n%s", tl)

		at(start, 15*time.Second) // report B fails now
		var got []string
		for i := 1; i <= 3; i++ {
			callOne(t, br, via(dep), tl, fmt.Sprintf("client %d", i))
			got = append(got, br.State().String())
		}
		assert.Equal(t, []string{"closed", "closed", "open"}, got,
			"the state after each of 3 new failures in a row, from 15s, with MaxFailures=2. Report B failed at 15s, "+
				"but it started before the breaker opened: it must not count towards the next trip, so the breaker "+
				"should open on the 3rd new failure, not the 2nd\n%s", tl)
		for _, r := range await(t, tl, cancel, reports...) {
			assert.ErrorIs(t, r.err, errDown, "%s failed: its caller gets the error even though the breaker ignores it", r.who)
		}
	})
}

func TestOnStateChangeReportsEveryTransitionOnceInOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		// Down for three calls (two to open it, one failed trial), then back.
		dep := newDependency(tl, backend.Latency(time.Second), failFirst(3))
		var (
			mu      sync.Mutex
			changes []string
		)
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second,
			OnStateChange: func(from, to breaker.State) {
				mu.Lock()
				defer mu.Unlock()
				changes = append(changes, fmt.Sprintf("%v → %v at %v", from, to, time.Since(start)))
			}})

		trip(t, br, dep, tl, 2) // open at 2s
		at(start, 12*time.Second-time.Nanosecond)
		br.State()
		at(start, 12*time.Second)
		for range 3 {
			br.State() // three looks, one change
		}
		callOne(t, br, via(dep), tl, "trial 1") // fails at 13s
		at(start, 23*time.Second)
		callOne(t, br, via(dep), tl, "trial 2") // the first to look after the timeout; succeeds at 24s

		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []string{
			"closed → open at 2s",
			"open → half-open at 12s",
			"half-open → open at 13s",
			"open → half-open at 23s",
			"half-open → closed at 24s",
		}, changes,
			"OnStateChange should be called once for every change of state, in order, with (from, to), at the moment "+
				"it happens; an open breaker half-opens the first time anyone looks after the timeout\n%s", tl)
	})
}

func TestCallsRunSideBySideThroughAClosedBreaker(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		const clients = 10
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(2*time.Second))
		br := breaker.New(breaker.Settings{})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()

		var pending []<-chan result
		for i := 1; i <= clients; i++ {
			pending = append(pending, goCall(ctx, br, via(dep), tl, fmt.Sprintf("client %d", i)))
		}
		var waits []string
		for _, r := range await(t, tl, cancel, pending...) {
			require.NoError(t, r.err, "%s: the dependency is healthy\n%s", r.who, tl)
			waits = append(waits, r.waited.String())
		}
		assert.Equal(t, slices.Repeat([]string{"2s"}, clients), waits,
			"10 clients called a healthy 2s dependency at once, through a closed breaker: each should wait 2s, "+
				"side by side. The breaker's lock guards its counts, never the call itself\n%s", tl)
		assert.Equal(t, clients, dep.PeakInFlight(),
			"all %d calls should be at the dependency at once; the breaker must not make them take turns\n%s", clients, tl)
		assert.Equal(t, breaker.Closed.String(), br.State().String(), "10 successes leave the breaker closed")
	})
}

func TestChangesOfStateMadeByDifferentCallersAreReportedUnderTheLock(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		// No lock of its own: OnStateChange runs with the breaker's lock
		// held, and that is what keeps the reports in the order of the
		// changes. Each change below is made by a different caller, with
		// nothing but the breaker between them, so under -race a report made
		// after the lock is let go races with the next one.
		var changes []string
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second,
			OnStateChange: func(from, to breaker.State) {
				changes = append(changes, fmt.Sprintf("%v → %v at %v", from, to, time.Since(start)))
			}})
		failAfter := func(d time.Duration) func(context.Context) error {
			return func(context.Context) error {
				time.Sleep(d)
				return errDown
			}
		}
		done := make(chan struct{}, 4)
		goAt := func(d time.Duration, f func()) {
			go func() {
				time.Sleep(d)
				f()
				done <- struct{}{}
			}()
		}
		goAt(0, func() { _ = br.Call(t.Context(), failAfter(time.Second)) })    // the 1st failure, at 1s
		goAt(0, func() { _ = br.Call(t.Context(), failAfter(2*time.Second)) })  // the 2nd, at 2s: it opens
		goAt(12*time.Second, func() { br.State() })                             // the first look after the timeout: half-open
		goAt(13*time.Second, func() { _ = br.Call(t.Context(), failAfter(0)) }) // a failed trial: open again
		for range 4 {
			<-done
		}

		assert.Equal(t, []string{
			"closed → open at 2s",
			"open → half-open at 12s",
			"half-open → open at 13s",
		}, changes, "every change of state, once, in order, each made by a different caller")
	})
}

func TestACrowdAtAHalfOpenBreakerGetsNoMoreThanHalfOpenMaxTrials(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// A breaker half-opens with a crowd at the door, larger than its
		// trial slots: callers who all ask at the same instant, with nothing
		// between them that orders their steps. Each round takes a new
		// breaker and a new crowd.
		const rounds, crowd, halfOpenMax = 200, 300, 200
		for round := 1; round <= rounds; round++ {
			br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: time.Second, HalfOpenMax: halfOpenMax})
			for range 2 {
				_ = br.Call(t.Context(), func(context.Context) error { return errDown })
			}
			time.Sleep(time.Second) // the timeout is over: the next caller half-opens it

			var trials atomic.Int64 // callers let through, at the dependency now
			release := make(chan struct{})
			trial := func(context.Context) error {
				trials.Add(1)
				<-release // a trial holds its slot until the test lets it go
				return nil
			}
			ready := make(chan struct{})
			done := make(chan struct{}, crowd)
			for range crowd {
				go func() {
					defer func() { done <- struct{}{} }()
					<-ready
					_ = br.Call(t.Context(), trial)
				}()
			}
			close(ready) // every caller asks at once
			synctest.Wait()
			got := trials.Load()
			close(release)
			for range crowd {
				<-done
			}

			require.EqualValues(t, halfOpenMax, got,
				"round %d: %d callers came at once to a half-open breaker with HalfOpenMax %d, and %d of them were let "+
					"through as trials, want %d: the others should get ErrTooManyRequests at once. Check for a free "+
					"slot and take it in one step, under the lock: callers that saw the same free slot took one each",
				round, crowd, halfOpenMax, got, halfOpenMax)
		}
	})
}

// Exercise 4: blame the right party. Only the dependency's own failures
// count: not a caller giving up, not an error the classifier excuses.

func TestCallersWhoGiveUpDoNotOpenTheBreaker(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name  string
		leave func(context.Context) (context.Context, context.CancelFunc)
	}{
		{"their deadline passes", func(ctx context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(ctx, 100*time.Millisecond)
		}},
		{"a sibling's failure cancels them", func(ctx context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(ctx)
			time.AfterFunc(100*time.Millisecond, cancel) // as errgroup.WithContext does when a sibling fails
			return ctx, cancel
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				tl := timeline.New()
				// Healthy, only slower than these callers will wait: 1s a call.
				dep := newDependency(tl, backend.Latency(time.Second))
				br := breaker.New(breaker.Settings{MaxFailures: 5, OpenTimeout: time.Minute})

				var states []string
				for i := 1; i <= 6; i++ {
					ctx, cancel := tc.leave(t.Context())
					r := await(t, tl, cancel, goCall(ctx, br, via(dep), tl, fmt.Sprintf("client %d", i)))[0]
					cancel()
					require.ErrorIs(t, r.err, ctx.Err(), "client %d gave up after 100ms: its call should end with its context's error\n%s", i, tl)
					states = append(states, br.State().String())
				}
				patient := callOne(t, br, via(dep), tl, "a patient client")
				if tc.name == "their deadline passes" {
					show(t, "callers-give-up", callers(tl))
				}

				assert.Equal(t, slices.Repeat([]string{"closed"}, 6), states,
					"the state after each of 6 callers who gave up after 100ms on a healthy dependency that takes 1s. "+
						"Their errors are their own doing: when the caller's own context has ended (ctx.Err() != nil), "+
						"the error says nothing about the dependency. Do not count it\n%s", tl)
				assert.NoError(t, patient.err,
					"a caller who waits the full 1s should get through and succeed; a breaker opened by impatient "+
						"callers turns a healthy dependency away\n%s", tl)
			})
		})
	}
}

// callWithin runs one caller whose context ends after d, and waits for it.
func callWithin(t *testing.T, br *breaker.Breaker, op func(context.Context) error, tl *timeline.Timeline, who string, d time.Duration) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	return await(t, tl, cancel, goCall(ctx, br, op, tl, who))[0]
}

func TestATimeoutInsideTheOperationLetsAHungDependencyTripTheBreaker(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		// The dependency hangs: it never answers, until its caller gives up.
		// Every caller has a 1s deadline, passed down as lesson 02 taught.
		dep := backend.New("dependency", backend.Hang())
		settings := breaker.Settings{MaxFailures: 2, OpenTimeout: time.Minute}

		// Without a timeout of its own, each call ends at its caller's
		// deadline: the caller gave up, and that blames nobody.
		before := timeline.New()
		br := breaker.New(settings)
		var statesBefore []string
		for i := 1; i <= 3; i++ {
			callWithin(t, br, via(dep), before, fmt.Sprintf("client %d", i), time.Second)
			statesBefore = append(statesBefore, br.State().String())
		}

		// With one, shorter than the callers' deadlines (chosen from the
		// dependency's healthy latency, as an attempt timeout is in lesson
		// 04), each call fails while its caller still waits: the dependency
		// was too slow, and that counts.
		op := func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
			defer cancel()
			return via(dep)(ctx)
		}
		after := timeline.New()
		br = breaker.New(settings)
		var states []string
		var errs []error
		for i := 1; i <= 3; i++ {
			r := callWithin(t, br, op, after, fmt.Sprintf("client %d", i), time.Second)
			errs = append(errs, r.err)
			states = append(states, br.State().String())
		}
		late := callWithin(t, br, op, after, "client 4", time.Second)

		picture := "a dependency that hangs, callers with 1s deadlines, MaxFailures 2\n" +
			"no timeout inside the operation: each caller waits 1s, the breaker stays closed\n" + callers(before) +
			"a 200ms timeout inside the operation: the 3rd failure opens it\n" + callers(after)
		show(t, "hung-dependency", picture)
		assert.Equal(t, []string{"closed", "closed", "closed"}, statesBefore,
			"with no timeout inside the operation, every call ends at its caller's 1s deadline: the callers gave up, "+
				"which blames nobody, so the breaker stays closed (that is why the operation needs a timeout of its own)\n%s", picture)
		for i, err := range errs {
			require.ErrorIs(t, err, context.DeadlineExceeded, "call %d should time out after 200ms\n%s", i+1, picture)
		}
		assert.Equal(t, []string{"closed", "closed", "open"}, states,
			"the state after each of 3 calls to a dependency that hangs, each cut off by the operation's own 200ms "+
				"timeout while its caller still had 800ms to wait. That timeout IS the dependency's failure: count it, "+
				"or a hung dependency never trips the breaker. Only a context the caller itself gave up on is excused\n%s", picture)
		assert.ErrorIs(t, late.err, breaker.ErrOpen, "the breaker opened: client 4 should be turned away at once\n%s", picture)
		assert.Equal(t, 6, dep.Calls(), "an open breaker must not call the dependency\n%s", picture)
	})
}

// errBadRequest is the dependency answering that the request was wrong:
// no fault of the dependency.
var errBadRequest = errors.New("400 bad request")

// notBadRequests is a classifier that excuses 400s: the request's fault.
func notBadRequests(err error) bool { return !errors.Is(err, errBadRequest) }

func TestAnErrorTheClassifierExcusesCountsNeitherWay(t *testing.T) {
	defer goleak.VerifyNone(t)
	t.Run("closed", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			defer letEverythingFinish()
			tl := timeline.New()
			// Three failures, a 400 (the request was wrong), then a failure:
			// the path behind the dependency is down, and a 400 in between
			// proves only that it can still turn bad requests away.
			dep := newDependency(tl, backend.Latency(time.Second), backend.FailFunc(func(n int) error {
				if n == 4 {
					return errBadRequest
				}
				return errDown
			}))
			br := breaker.New(breaker.Settings{MaxFailures: 3, OpenTimeout: time.Hour, IsFailure: notBadRequests})

			var got []string
			for i := 1; i <= 5; i++ {
				callOne(t, br, via(dep), tl, fmt.Sprintf("client %d", i))
				got = append(got, br.State().String())
			}
			assert.Equal(t, []string{"closed", "closed", "closed", "closed", "open"}, got,
				"the state after each call of fail, fail, fail, 400, fail, with MaxFailures=3 and an IsFailure that "+
					"excuses 400s. An excused error is neither a failure nor a success: it must not end the run of "+
					"failures in a row, so the 4th failure opens the breaker (sony/gobreaker's IsExcluded and "+
					"resilience4j's ignoreExceptions do the same). Call Settings.IsFailure when it is not nil\n%s", tl)
		})
	})
	t.Run("half-open", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			defer letEverythingFinish()
			start := time.Now()
			tl := timeline.New()
			dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
			br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second, IsFailure: notBadRequests})
			halfOpenAt(t, start, br, dep, tl)

			dep.Set(backend.FailWith(errBadRequest))
			bad := callOne(t, br, via(dep), tl, "trial (400)")
			stateAfterBad := br.State().String()
			dep.Set(backend.FailWith(nil)) // the dependency is back
			next := callOne(t, br, via(dep), tl, "next trial")

			require.ErrorIs(t, bad.err, errBadRequest, "the trial should reach the dependency and get its 400\n%s", tl)
			assert.Equal(t, breaker.HalfOpen.String(), stateAfterBad,
				"the trial got a 400, which IsFailure excuses: no news about the dependency either way, so the breaker "+
					"should stay half-open, neither close nor open\n%s", tl)
			assert.NoError(t, next.err,
				"the excused trial should give its slot back, so the next caller becomes the trial and gets through\n%s", tl)
			assert.Equal(t, breaker.Closed.String(), br.State().String(), "the next trial succeeded: the breaker should be closed\n%s", tl)
		})
	})
}

// cancelled is a context whose caller has already left.
func cancelled(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	return ctx
}

func TestACallerWhoHasAlreadyLeftIsNotLetThrough(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(time.Second), failFirst(2))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second})

		closedErr := br.Call(cancelled(t), via(dep))
		closedCalls := dep.Calls()
		trip(t, br, dep, tl, 2) // open at 2s
		at(start, 12*time.Second)
		halfOpenErr := br.Call(cancelled(t), via(dep))
		synctest.Wait()
		state := br.State().String()
		next := callOne(t, br, via(dep), tl, "trial")

		assert.ErrorIs(t, closedErr, context.Canceled, "the caller had already cancelled: Call should return ctx.Err() at once")
		assert.Zero(t, closedCalls,
			"a caller whose context had already ended was let through to the dependency: nobody waits for that answer. "+
				"Check ctx.Err() before admitting a call\n%s", tl)
		assert.ErrorIs(t, halfOpenErr, context.Canceled, "the caller had already cancelled: Call should return ctx.Err() at once")
		assert.Equal(t, breaker.HalfOpen.String(), state,
			"half-open, a caller who had already left took the trial slot, and its ended context judged the probe "+
				"failed before the dependency was even asked. Do not admit it\n%s", tl)
		assert.NoError(t, next.err, "the first caller still there should be the trial, and succeed\n%s", tl)
	})
}

// Exercise 5: a trial call that never returns must not wedge the breaker.

// halfOpenAt trips a breaker set to MaxFailures 1 and OpenTimeout 10s with
// two calls to dep (open at 2s), and sleeps until it half-opens, at 12s.
func halfOpenAt(t *testing.T, start time.Time, br *breaker.Breaker, dep *backend.Backend, tl *timeline.Timeline) {
	t.Helper()
	trip(t, br, dep, tl, 2)
	at(start, 12*time.Second)
	require.Equal(t, breaker.HalfOpen.String(), br.State().String(), "10s after opening at 2s, the breaker should be half-open\n%s", tl)
}

func TestATrialWhoseCallerGivesUpReopensTheBreaker(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		var (
			mu      sync.Mutex
			changes []string
		)
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second,
			OnStateChange: func(from, to breaker.State) {
				mu.Lock()
				defer mu.Unlock()
				changes = append(changes, fmt.Sprintf("%v → %v at %v", from, to, time.Since(start)))
			}})
		halfOpenAt(t, start, br, dep, tl)
		tl = timeline.New() // draw from 12s on: the half-open part

		// The trial hangs, and does not listen to its context. Its caller
		// gives up after 1s, at 13s.
		dep.Set(backend.Hang(), backend.IgnoreContext())
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		hung := goCall(ctx, br, via(dep), tl, "trial (hangs)")
		synctest.Wait()
		at(start, 12500*time.Millisecond)
		// (Should a call get through by mistake, it answers at once.)
		busy := callOne(t, br, via(backend.New("another dependency")), tl, "client at 12.5s")
		at(start, 13*time.Second-time.Nanosecond)
		stateBefore := br.State().String()
		at(start, 13*time.Second)
		stateAt := br.State().String()

		// The dependency is back for calls from now on.
		dep.Set(backend.Recover(), backend.HonourContext(), backend.FailWith(nil), backend.Latency(100*time.Millisecond))
		at(start, 23*time.Second-time.Nanosecond)
		early := callOne(t, br, via(dep), tl, "client at 23s−1ns")
		at(start, 23*time.Second)
		next := callOne(t, br, via(dep), tl, "client at 23s")
		dep.Release() // the hung call ends at last, and its Call returns
		synctest.Wait()
		show(t, "hung-trial", "from 12s, when the breaker half-opened; the trial's context ends at 1s,\n"+
			"its Call returns when op does (at 23.1s, when the test releases it):\n"+callers(tl))

		assert.ErrorIs(t, busy.err, breaker.ErrTooManyRequests,
			"at 12.5s the trial is still running and its caller still waiting: another call should get "+
				"ErrTooManyRequests\n%s", tl)
		assert.Equal(t, []string{"half-open", "open"}, []string{stateBefore, stateAt},
			"the state at 13s − 1ns and at 13s. At 13s the trial's caller gave up (its 1s deadline) and the trial "+
				"had not answered: that is a failed probe, so the breaker should open again at that very moment "+
				"(context.AfterFunc on the trial's ctx), even though op has not returned. Give the slot back instead "+
				"and the next caller becomes a new trial, and the next, each waiting its whole deadline on a "+
				"dependency that hangs\n%s", tl)
		assert.ErrorIs(t, early.err, breaker.ErrOpen, "at 23s − 1ns the breaker opened at 13s is still open\n%s", tl)
		assert.NoError(t, next.err, "at 23s, 10s after it opened again, the breaker half-opens and the next caller is "+
			"the trial: the dependency is back\n%s", tl)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []string{
			"closed → open at 2s",
			"open → half-open at 12s",
			"half-open → open at 13s",
			"open → half-open at 23s",
			"half-open → closed at 23.1s",
		}, changes, "every change of state, and when\n%s", tl)
		assert.ErrorIs(t, (<-hung).err, backend.ErrReleased, "the hung call's caller gets its result in the end\n%s", tl)
	})
}

func TestALateResultFromAnAbandonedTrialIsIgnored(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second})
		halfOpenAt(t, start, br, dep, tl)
		tl = timeline.New() // draw from 12s on: the half-open part

		// The trial takes 2s and does not listen to its context; its caller
		// gives up after 1s, at 13s. Its call succeeds all the same, at 14s.
		dep.Set(backend.Latency(2*time.Second), backend.IgnoreContext(), backend.FailWith(nil))
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		trial := goCall(ctx, br, via(dep), tl, "trial (2s)")
		synctest.Wait()
		at(start, 13*time.Second)
		stateAt13 := br.State().String()
		at(start, 14*time.Second)
		stateAt14 := br.State().String()
		at(start, 23*time.Second)
		stateAt23 := br.State().String()
		show(t, "abandoned-trial", "from 12s, when the breaker half-opened; the trial's context ends at 1s:\n"+callers(tl))

		assert.Equal(t, breaker.Open.String(), stateAt13,
			"at 13s the trial's caller gave up before the trial answered: a failed probe, so the breaker should be "+
				"open again\n%s", tl)
		assert.Equal(t, breaker.Open.String(), stateAt14,
			"at 14s the abandoned trial succeeded, but the breaker judged that probe at 13s and opened again: a "+
				"result that comes after its probe was judged decides nothing, so the breaker should still be open\n%s", tl)
		assert.Equal(t, breaker.HalfOpen.String(), stateAt23,
			"at 23s, 10s after the failed probe opened it at 13s, the breaker should be half-open\n%s", tl)
		assert.NoError(t, (<-trial).err, "the trial's caller gets its result all the same\n%s", tl)
	})
}

func TestATrialWhoseCallerLeavesAfterAnotherTrialClosedTheBreakerChangesNothing(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second, HalfOpenMax: 2})
		halfOpenAt(t, start, br, dep, tl)
		tl = timeline.New() // draw from 12s on: the half-open part

		// Two trials at 12s. Trial A's dependency is back and answers in 1s.
		// Trial B's call takes 3s and does not listen; its caller gives up
		// after 2s, at 14s, when A has already closed the breaker.
		dep.Set(backend.FailWith(nil))
		slow := backend.New("slow dependency", backend.Record(tl), backend.Latency(3*time.Second), backend.IgnoreContext())
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		a := goCall(t.Context(), br, via(dep), tl, "trial A (1s)")
		b := goCall(ctx, br, via(slow), tl, "trial B (3s)")
		synctest.Wait()
		at(start, 13*time.Second)
		stateAt13 := br.State().String()
		at(start, 14*time.Second)
		stateAt14 := br.State().String()
		after := callOne(t, br, via(dep), tl, "client at 14s")

		require.NoError(t, (<-a).err, "trial A should reach the dependency, which is back\n%s", tl)
		require.Equal(t, breaker.Closed.String(), stateAt13, "trial A succeeded at 13s: the breaker should be closed\n%s", tl)
		assert.Equal(t, breaker.Closed.String(), stateAt14,
			"at 14s trial B's caller gave up, but trial A had closed the breaker at 13s: B's probe belongs to a "+
				"half-open spell that is over, and its caller leaving is no news about the dependency now. The "+
				"breaker should stay closed: reopen only if the trial's generation is still the current one\n%s", tl)
		assert.NoError(t, after.err, "the breaker is closed and the dependency is back: the client at 14s should get through\n%s", tl)
		<-b // its call ends at 15s; what it returns decides nothing
	})
}

func TestATrialThatPanicsGivesItsSlotBack(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(time.Second), failFirst(2))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second})
		halfOpenAt(t, start, br, dep, tl)

		panicked := make(chan any, 1)
		go func() {
			defer func() { panicked <- recover() }()
			_ = br.Call(t.Context(), func(context.Context) error { panic("a bug in the operation") })
		}()
		got := <-panicked
		next := callOne(t, br, via(dep), tl, "client after the panic")

		assert.Equal(t, "a bug in the operation", got,
			"the trial's operation panicked: Call should let the panic go on to its caller, not swallow it")
		assert.NoError(t, next.err,
			"the trial panicked, and its slot should be given back as the panic passes through Call (a deferred "+
				"function runs during a panic), so the next caller becomes the new trial and reaches the dependency, "+
				"which is back. A slot never given back wedges the breaker in half-open for ever\n%s", tl)
		assert.Equal(t, breaker.Closed.String(), br.State().String(), "the new trial succeeded: the breaker should be closed\n%s", tl)
	})
}

func TestATrialFromAnEarlierHalfOpenSpellThatPanicsFreesNoSlotOfTheNextOne(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		dep := newDependency(tl, backend.Latency(time.Second), backend.FailWith(errDown))
		br := breaker.New(breaker.Settings{MaxFailures: 1, OpenTimeout: 10 * time.Second, HalfOpenMax: 2})
		halfOpenAt(t, start, br, dep, tl)

		// Two trials at 12s: A runs for 20s and then panics (a bug on our
		// side), B fails at 13s and opens the breaker again.
		panicked := make(chan any, 1)
		go func() {
			defer func() { panicked <- recover() }()
			_ = br.Call(t.Context(), func(context.Context) error {
				time.Sleep(20 * time.Second)
				panic("a bug in the operation")
			})
		}()
		synctest.Wait()
		callOne(t, br, via(dep), tl, "trial B")
		// At 23s it half-opens again, and two new trials take both slots.
		at(start, 23*time.Second)
		release := make(chan struct{})
		hold := func(context.Context) error { <-release; return nil }
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		c := goCall(ctx, br, hold, tl, "trial C")
		d := goCall(ctx, br, hold, tl, "trial D")
		synctest.Wait()
		// At 32s trial A panics: it held a slot of the spell that ended at 13s.
		at(start, 32*time.Second)
		got := <-panicked
		extra := callOne(t, br, via(dep), tl, "client at 32s")
		close(release)
		await(t, tl, cancel, c, d)

		require.Equal(t, "a bug in the operation", got, "trial A's panic should reach its caller")
		assert.ErrorIs(t, extra.err, breaker.ErrTooManyRequests,
			"at 32s trials C and D hold both slots of HalfOpenMax 2, so another caller should be turned away; it "+
				"got %v. Trial A, which panicked at 32s, held a slot of the half-open spell that ended at 13s: "+
				"giving its slot back freed one of C's and D's, and a third trial went through. Give a slot back "+
				"only in the generation it was taken in\n%s", extra.err, tl)
	})
}

// show prints a picture on a -v run and, when WAITING_TIMELINES names a
// folder, keeps it there for the slides. Call it before the assertions, so
// that a failing run keeps its picture too.
func show(t *testing.T, name, picture string) {
	t.Helper()
	timeline.Keep(t, name, picture)
	t.Log("\n" + picture)
}

// callers draws tl without the dependency's own rows, which repeat the
// callers' (on a slide, the callers' waits are the story).
func callers(tl *timeline.Timeline) string {
	var spans []timeline.Span
	for _, sp := range tl.Spans() {
		if sp.Who != "dependency" && sp.Who != "slow report" {
			spans = append(spans, sp)
		}
	}
	return timeline.Render(tl.Origin(), time.Now(), spans)
}

// letEverythingFinish sleeps past any work a test started (virtual time
// costs nothing), so that calls still running when a test stops early end
// before the bubble does. In correct code every goroutine has then exited.
func letEverythingFinish() {
	time.Sleep(time.Hour)
	synctest.Wait()
}

// newDependency returns a simulated dependency, drawn on tl, that answers
// at once until options say otherwise. Call it inside the bubble.
func newDependency(tl *timeline.Timeline, opts ...backend.Option) *backend.Backend {
	return backend.New("dependency", append([]backend.Option{backend.Record(tl)}, opts...)...)
}

// failFirst makes the first n calls fail with errDown and the rest succeed.
func failFirst(n int) backend.Option {
	return backend.FailFunc(func(call int) error {
		if call <= n {
			return errDown
		}
		return nil
	})
}

// via is the protected call: one request to be.
func via(be *backend.Backend) func(context.Context) error {
	return func(ctx context.Context) error {
		_, err := be.Call(ctx, "ping")
		return err
	}
}

// at sleeps until d after start (virtual time costs nothing), then lets
// everything that was due at that instant finish before the test looks.
func at(start time.Time, d time.Duration) {
	time.Sleep(time.Until(start.Add(d)))
	synctest.Wait()
}

// trip makes n calls in a row, one after the other, that dep fails, so a
// breaker set to open after n-1 failures opens when the last one returns.
func trip(t *testing.T, br *breaker.Breaker, dep *backend.Backend, tl *timeline.Timeline, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		r := callOne(t, br, via(dep), tl, fmt.Sprintf("failing %d", i))
		require.ErrorIs(t, r.err, errDown,
			"failing call %d of %d should reach the dependency and return its error; the breaker should be closed until "+
				"the last one\n%s", i, n, tl)
	}
	require.Equal(t, breaker.Open.String(), br.State().String(),
		"%d failures in a row, one more than this test's MaxFailures, should open the breaker (exercise 1)\n%s", n, tl)
}

// A result is what one caller got, and how long it waited for it.
type result struct {
	who    string
	err    error
	waited time.Duration
}

// goCall starts a caller, drawn on tl as who, that calls op through br. Its
// result arrives on the returned channel.
func goCall(ctx context.Context, br *breaker.Breaker, op func(context.Context) error, tl *timeline.Timeline, who string) <-chan result {
	out := make(chan result, 1) // buffered: a caller never waits for the test to read
	start := time.Now()
	end := tl.Begin(who)
	go func() {
		err := br.Call(ctx, op)
		end()
		out <- result{who: who, err: err, waited: time.Since(start)}
	}()
	return out
}

// callOne runs one caller and waits for it.
func callOne(t *testing.T, br *breaker.Breaker, op func(context.Context) error, tl *timeline.Timeline, who string) result {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	return await(t, tl, cancel, goCall(ctx, br, op, tl, who))[0]
}

// patience is how much virtual time a test waits for its callers before it
// calls them stuck. It costs nothing: virtual time passes instantly.
const patience = 10 * time.Minute

// await returns the callers' results in the order given. Callers still
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
			t.Fatalf("after %v, %d of %d callers were still waiting. A breaker never makes a caller wait: it lets "+
				"the call through, or turns it away at once\n%s", patience, len(pending)-len(results), len(pending), picture)
		}
	}
	return results
}
