package degradation_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/timeline"
	degradation "github.com/wherewaiting/workshop/lessons/10-degradation"
)

// errOverloaded is what a backend answers to a request it rejects because
// it is overloaded: a 503, which wraps ErrShed, the overload signal the
// Throttle listens for by default.
var errOverloaded = fmt.Errorf("503 overloaded: %w", degradation.ErrShed)

// always is a Rand that always returns x.
func always(x float64) func() float64 { return func() float64 { return x } }

// throttled names what a request through the throttle got: "ErrThrottled"
// for a local rejection (ErrThrottled, or an error wrapping it, as callers
// test for it with errors.Is), else the error's text, or "<nil>". An
// error that is both a local rejection and the backend's refusal is
// neither: it shows as its text.
func throttled(err error) string {
	if errors.Is(err, degradation.ErrThrottled) && !errors.Is(err, errOverloaded) {
		return "ErrThrottled"
	}
	return fmt.Sprint(err)
}

// evenly is a Rand that walks [0, 1) in steps of the golden ratio: not
// random, but spread so evenly that every share comes out close to what
// it should be, and the same on every run. It is not safe for concurrent
// use; the Throttle calls its Rand with its lock held.
func evenly() func() float64 {
	x := 0.0
	return func() float64 {
		x += 0.6180339887498949
		x -= math.Floor(x)
		return x
	}
}

// quota is a backend that accepts at most perSecond requests in each second
// of virtual time and rejects the rest at once, with errOverloaded.
// perSecond < 0 accepts everything.
type quota struct {
	mu        sync.Mutex
	start     time.Time
	perSecond int
	second    time.Duration
	used      int
	sent      int // requests that reached it
	accepted  int
}

func newQuota(perSecond int) *quota { return &quota{start: time.Now(), perSecond: perSecond} }

func (q *quota) call(context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.sent++
	if s := time.Since(q.start).Truncate(time.Second); s != q.second {
		q.second, q.used = s, 0
	}
	if q.perSecond >= 0 && q.used >= q.perSecond {
		return errOverloaded
	}
	q.used++
	q.accepted++
	return nil
}

func (q *quota) set(perSecond int) {
	q.mu.Lock()
	q.perSecond = perSecond
	q.mu.Unlock()
}

func (q *quota) counts() (sent, accepted int) {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.sent, q.accepted
}

// phase is what happened during one stretch of a run.
type phase struct {
	name                      string
	attempted, sent, accepted int // counted from the phase's measureFrom on
	throttled                 int // rejected locally, counted from measureFrom on
	anyThrottling             bool
	allSentFrom               time.Duration // the start of the whole seconds, up to the end, in which every request was sent
}

func (p phase) ratio() float64 { return float64(p.sent) / float64(max(p.accepted, 1)) }

// tick is the time between two requests of the client: 10 a second.
const tick = 100 * time.Millisecond

// drive makes the client attempt a request every tick for d, through th
// (or straight to q when th is nil), and counts what happened from
// measureFrom on.
func drive(t *testing.T, th *degradation.Throttle, q *quota, d, measureFrom time.Duration, name string) phase {
	t.Helper()
	p := phase{name: name}
	var sent0, accepted0 int
	lastThrottled := -1 // the last second in which a request was rejected locally
	for i := range int(d / tick) {
		elapsed := time.Duration(i) * tick
		if elapsed == measureFrom {
			sent0, accepted0 = q.counts()
		}
		var err error
		if th == nil {
			err = q.call(t.Context())
		} else {
			err = th.Do(t.Context(), q.call)
		}
		throttled := errors.Is(err, degradation.ErrThrottled)
		if throttled {
			p.anyThrottling = true
			lastThrottled = int(elapsed / time.Second)
		}
		if elapsed >= measureFrom {
			p.attempted++
			if throttled {
				p.throttled++
			}
		}
		time.Sleep(tick)
	}
	sent, accepted := q.counts()
	p.sent, p.accepted = sent-sent0, accepted-accepted0
	p.allSentFrom = time.Duration(lastThrottled+1) * time.Second
	return p
}

// table draws phases as a table of figures.
func table(phases ...phase) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-34s %9s %6s %9s %6s\n", "", "attempted", "sent", "accepted", "ratio")
	for _, p := range phases {
		if p.accepted == 0 {
			fmt.Fprintf(&b, "%-34s %9d %6d %9d %6s\n", p.name, p.attempted, p.sent, p.accepted, "-")
			continue
		}
		fmt.Fprintf(&b, "%-34s %9d %6d %9d %5.2f×\n", p.name, p.attempted, p.sent, p.accepted, p.ratio())
	}
	return b.String()
}

// Exercise 6: client-side adaptive throttling.

func TestTheThrottleSendsEverythingWhileTheBackendAccepts(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: always(0)})
		q := newQuota(-1)

		p := drive(t, th, q, 10*time.Minute, 0, "healthy")

		assert.Equal(t, p.attempted, p.sent, "the backend accepted every request: the client should send every one")
		assert.Zero(t, th.Probability(degradation.Critical), "with requests = accepts, (requests − 2·accepts) is negative: the probability is 0")
	})
}

func TestTheRejectionProbabilityFollowsTheSREBooksFormula(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		k, want float64 // want: after 10 requests, 5 of them accepted
	}{
		{k: 0, want: 0},                     // the default K, 2: max(0, (10 − 2·5)/11)
		{k: 1.1, want: (10 - 1.1*5) / 11.0}, // K = 1.1: (10 − 5.5)/11
	} {
		t.Run(fmt.Sprintf("K=%v", tc.k), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Rand never goes below 0.9999: nothing is rejected locally
				// here, every request reaches the backend.
				th := degradation.NewThrottle(degradation.ThrottleConfig{K: tc.k, Rand: always(0.9999)})
				reject := func(context.Context) error { return errOverloaded }
				accept := func(context.Context) error { return nil }

				var got, want []string
				for n := 1; n <= 5; n++ {
					err := th.Do(t.Context(), reject)
					require.ErrorIs(t, err, errOverloaded, "Do returns op's error as it is")
					got = append(got, fmt.Sprintf("%d rejected: %.4f", n, th.Probability(degradation.Critical)))
					want = append(want, fmt.Sprintf("%d rejected: %.4f", n, float64(n)/float64(n+1)))
				}
				assert.Equal(t, want, got,
					"the probability after each rejected request: max(0, (requests − K·accepts) / (requests + 1)) "+
						"with no accepts is n/(n+1)")
				for range 5 {
					require.NoError(t, th.Do(t.Context(), accept), "Do returns op's error, here none")
				}
				assert.InDelta(t, tc.want, th.Probability(degradation.Critical), 1e-12,
					"after 10 requests, 5 of them accepted, with K=%v: max(0, (10 − K·5) / 11)", tc.k)
			})
		})
	}
}

func TestLocalRejectionsCountAsRequests(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Rand is always 0: whenever the probability is above 0, the
		// request is rejected locally.
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: always(0)})
		q := newQuota(0) // rejects everything

		var errs []string
		for range 5 {
			err := th.Do(t.Context(), q.call)
			errs = append(errs, throttled(err))
		}

		sent, _ := q.counts()
		assert.Equal(t, 1, sent, "after the first rejection the probability is 1/2, and Rand says reject: "+
			"the next requests are rejected locally, never sent")
		assert.Equal(t, []string{errOverloaded.Error(), "ErrThrottled", "ErrThrottled", "ErrThrottled", "ErrThrottled"}, errs,
			"what each request got: the backend's rejection, returned as it is, then ErrThrottled at once (or an "+
				"error wrapping it: errors.Is(err, ErrThrottled) must hold)")
		assert.InDelta(t, 5.0/6, th.Probability(degradation.Critical), 1e-12,
			"5 requests attempted (1 sent, 4 rejected locally), 0 accepted: (5 − 0)/(5 + 1). `requests` counts every "+
				"request the application attempted, those the throttle rejected locally too, so that the more the "+
				"application asks of a backend that accepts little, the more is rejected locally (SRE book)")
	})
}

func TestTheThrottleRejectsOnlyWhenRandFallsBelowTheProbability(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: always(0.5)})
		q := newQuota(0) // rejects everything

		var got []string
		for range 3 {
			p := th.Probability(degradation.Critical)
			err := th.Do(t.Context(), q.call)
			got = append(got, fmt.Sprintf("p=%.3f: %s", p, throttled(err)))
		}

		assert.Equal(t, []string{
			"p=0.000: " + errOverloaded.Error(),
			"p=0.500: " + errOverloaded.Error(),
			"p=0.667: ErrThrottled",
		}, got,
			"Rand is always 0.5. A request is rejected locally when Rand falls below the probability: at 0.5 it "+
				"does not (0.5 is not below 0.5), so the second request is sent; at 2/3 it does, with ErrThrottled "+
				"(or an error wrapping it)")
	})
}

func TestAnErrorThatIsNotARejectionCountsAsAccepted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		errNotFound := errors.New("404 not found")
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: always(0)}) // Rejected: the default

		for range 10 {
			err := th.Do(t.Context(), func(context.Context) error { return errNotFound })
			require.ErrorIs(t, err, errNotFound, "every request should reach the backend and get its answer")
		}

		assert.Zero(t, th.Probability(degradation.Critical),
			"a 404 is an answer: the backend accepted the request and served it. By default only an explicit "+
				"overload signal (an error wrapping ErrShed: a 503, a 429, RESOURCE_EXHAUSTED) is a rejection; "+
				"counting every error as one throttles a healthy backend for the client's own mistakes")
	})
}

func TestACallerWhoLeftCountsNeitherWay(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Rand never goes below 0.9999: nothing is rejected locally here.
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: always(0.9999)})
		time.Sleep(time.Minute) // half a Window in: the counts are not in the window's first bucket
		for range 5 {
			require.ErrorIs(t, th.Do(t.Context(), func(context.Context) error { return errOverloaded }), errOverloaded,
				"Do returns op's error as it is")
		}
		// Then 20 callers give up after 10ms on a healthy backend that
		// answers in 50ms: they leave before it answers.
		healthy := func(ctx context.Context) error {
			select {
			case <-time.After(50 * time.Millisecond):
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
				defer cancel()
				_ = th.Do(ctx, healthy)
			})
		}
		wg.Wait()

		assert.InDelta(t, 5.0/6, th.Probability(degradation.Critical), 1e-12,
			"5 requests rejected by the backend, then 20 whose callers left before the answer came. A caller "+
				"who left (its ctx is done when op returns) says nothing about the backend: no news, neither a "+
				"rejection nor an accept. Take the request back out of the counts, as lesson 05's breaker "+
				"ignores what ends after its caller's context: the probability stays (5 − 0)/(5 + 1)")
	})
}

func TestARequestWhoseCallerHasLeftIsNeitherSentNorCounted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: always(0.9999)})
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // the caller has gone before the request is made

		sent := false
		err := th.Do(ctx, func(context.Context) error { sent = true; return nil })

		assert.ErrorIs(t, err, context.Canceled, "Do should return at once, with the caller's ctx.Err()")
		assert.False(t, sent, "the request was sent for a caller who had already left: check ctx before sending")
		_ = th.Do(t.Context(), func(context.Context) error { return errOverloaded })
		assert.InDelta(t, 0.5, th.Probability(degradation.Critical), 1e-12,
			"after the request nobody waited for, one rejected request: (1 − 0)/(1 + 1). The first should not "+
				"have been counted at all")
	})
}

func TestCriticalRequestsAreNotThrottledForTheSheddableOnesShed(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// 10 attempts a second through one Throttle: 2 critical, 8
		// sheddable. The backend serves every critical request, and sheds
		// all but 1 sheddable request a second (exercise 3). Measured over
		// the third minute.
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: evenly()})
		shedder := newQuota(1)
		serve := func(ctx context.Context) error {
			if degradation.CriticalityOf(ctx) == degradation.Critical {
				return nil
			}
			return shedder.call(ctx)
		}
		type tally struct{ attempted, throttled, sent, accepted int }
		var critical, sheddableOnes tally
		for i := range int(3 * time.Minute / tick) {
			ctx, class := t.Context(), &critical
			if i%5 != 0 {
				ctx, class = sheddable(ctx), &sheddableOnes
			}
			err := th.Do(ctx, serve)
			if time.Duration(i)*tick >= 2*time.Minute {
				class.attempted++
				switch {
				case errors.Is(err, degradation.ErrThrottled):
					class.throttled++
				case err == nil:
					class.sent++
					class.accepted++
				default:
					class.sent++
				}
			}
			time.Sleep(tick)
		}

		figures := fmt.Sprintf("%-10s %9s %9s %6s %9s\n", "", "attempted", "throttled", "sent", "accepted")
		for _, c := range []struct {
			name string
			t    tally
		}{{"critical", critical}, {"sheddable", sheddableOnes}} {
			figures += fmt.Sprintf("%-10s %9d %9d %6d %9d\n", c.name, c.t.attempted, c.t.throttled, c.t.sent, c.t.accepted)
		}
		timeline.Keep(t, "throttle-by-criticality", figures)
		assert.Zero(t, critical.throttled,
			"the client rejected %d critical requests locally, although the backend serves every critical one: "+
				"it sheds only sheddable work. Keep requests and accepts for each criticality apart "+
				"(CriticalityOf(ctx)), as the SRE book does, or the shed sheddable requests throttle the "+
				"critical ones\n%s", critical.throttled, figures)
		assert.Equal(t, 120, critical.accepted, "every critical request should be sent and served\n%s", figures)
		assert.InDelta(t, 2.0, float64(sheddableOnes.sent)/float64(sheddableOnes.accepted), 0.15,
			"the sheddable requests, which the backend sheds, are throttled to about K = 2 times what it accepts\n%s", figures)
	})
}

func TestUnderOverloadTheClientSendsAboutKTimesWhatIsAccepted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// The client attempts 10 requests a second; the backend accepts 1
		// a second. Measured over the last 2 minutes of 4.
		without := drive(t, nil, newQuota(1), 4*time.Minute, 2*time.Minute, "without a throttle")
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: evenly()})
		with := drive(t, th, newQuota(1), 4*time.Minute, 2*time.Minute, "with a throttle, K = 2")

		figures := table(without, with)
		timeline.Keep(t, "throttle-settles", figures)
		t.Logf("10 attempts a second against a backend that accepts 1 a second, over the last 2 minutes:\n%s", figures)
		assert.InDelta(t, 10.0, without.ratio(), 0.01, "without a throttle the client sends all it attempts\n%s", figures)
		assert.InDelta(t, 2.0, with.ratio(), 0.1,
			"with the throttle, the client should settle at sending about K = 2 times what the backend accepts, "+
				"and reject the rest locally\n%s", figures)
		assert.Equal(t, 120, with.accepted, "the backend still accepts its 1 a second\n%s", figures)
	})
}

func TestTheThrottleStartsWithinAWindowEvenAfterALongHealthyHistory(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: evenly()})
		q := newQuota(-1)
		healthy := drive(t, th, q, 20*time.Minute, 0, "20 minutes healthy")
		q.set(1)
		outage := drive(t, th, q, 5*time.Minute, degradation.DefaultWindow, "an outage, after its first 2 minutes")

		figures := table(healthy, outage)
		timeline.Keep(t, "throttle-after-history", figures)
		assert.InDelta(t, 2.0, outage.ratio(), 0.1,
			"20 healthy minutes are no reason to keep sending everything once the backend rejects 9 in 10: count "+
				"over the last Window (2 minutes) only, not since the start, so a busy past is forgotten\n%s", figures)
	})
}

func TestTheThrottleRecoversOnceCapacityReturns(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: evenly()})
		q := newQuota(1)
		outage := drive(t, th, q, 5*time.Minute, 0, "5 minutes at 1 accepted a second")
		q.set(-1)
		back := drive(t, th, q, 5*time.Minute, 0, "then capacity back")

		figures := table(outage, back) + fmt.Sprintf("every request sent again from %v after capacity came back\n", back.allSentFrom)
		timeline.Keep(t, "throttle-recovers", figures)
		require.True(t, outage.anyThrottling, "during the outage, the client should have rejected requests locally\n%s", figures)
		assert.LessOrEqual(t, back.allSentFrom, 2*degradation.DefaultWindow,
			"the backend accepts everything again, yet the client still rejected requests locally %v later. The "+
				"outage's rejections leave the window within a Window (2 minutes), and every request sent now is "+
				"accepted and lowers the probability: the client should be sending everything again within two "+
				"Windows. Counted since the start instead, the outage would hold it back for some 20 minutes\n%s",
			back.allSentFrom, figures)
	})
}

func TestAnAcceptCountsFromWhenTheAnswerCame(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		th := degradation.NewThrottle(degradation.ThrottleConfig{Window: time.Minute, Rand: always(0.9999)})
		// A request sent at 0s is accepted at 30s: a slow answer.
		require.NoError(t, th.Do(t.Context(), func(context.Context) error { time.Sleep(30 * time.Second); return nil }),
			"the slow request is accepted")
		at(start, time.Minute) // the request (sent at 0s) has left the window; its accept (30s) has not
		for range 3 {
			_ = th.Do(t.Context(), func(context.Context) error { return errOverloaded })
		}

		assert.InDelta(t, 0.25, th.Probability(degradation.Critical), 1e-12,
			"at 1m, the window (a minute) holds the 3 rejections of 1m and the accept of 30s: (3 − 2·1)/(3 + 1). "+
				"Count an accept when the answer came, not when the request was sent: a slow answer counted at "+
				"its sending leaves the window too early")
	})
}

func TestTheThrottleKeepsProbingAndRecoversAfterAFullOutage(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: evenly()})
		q := newQuota(-1)
		healthy := drive(t, th, q, 5*time.Minute, 0, "5 minutes healthy")
		q.set(0)
		outage := drive(t, th, q, 5*time.Minute, degradation.DefaultWindow, "then 5 down, after their first 2")
		q.set(-1)
		back := drive(t, th, q, 5*time.Minute, 0, "then capacity back")

		figures := table(healthy, outage, back) +
			fmt.Sprintf("every request sent again from %v after capacity came back\n", back.allSentFrom)
		timeline.Keep(t, "throttle-full-outage", figures)
		assert.InDelta(t, 0.1, float64(outage.sent)/float64(outage.attempted), 0.01,
			"while the backend accepted nothing, the client sent %d of %d requests. Uncapped, the probability "+
				"climbs to n/(n+1), 0.999, and the client stops asking; capped at MaxReject (0.9), it keeps "+
				"sending 1 in 10, enough to see the backend come back\n%s", outage.sent, outage.attempted, figures)
		assert.LessOrEqual(t, back.allSentFrom, 2*degradation.DefaultWindow,
			"the backend accepts everything again, yet the client still rejected requests locally %v later. "+
				"Uncapped, the few requests it sends must outweigh a Window of local rejections, one accept at a "+
				"time: it takes some 9 minutes. Capped, the 1 in 10 it keeps sending are accepted from the "+
				"first second, and it sends everything again within two Windows\n%s",
			back.allSentFrom, figures)
	})
}

func TestTheThrottleForgetsWithinAWindow(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		th := degradation.NewThrottle(degradation.ThrottleConfig{Window: time.Minute, Rand: always(0.9999)})
		for range 9 {
			_ = th.Do(t.Context(), func(context.Context) error { return errOverloaded })
		}

		at(start, time.Minute-time.Nanosecond)
		before := th.Probability(degradation.Critical)
		at(start, time.Minute)
		after := th.Probability(degradation.Critical)

		assert.InDelta(t, 0.9, before, 1e-12, "1ns before the minute is over, the 9 rejections still count: 9/10")
		assert.Zero(t, after, "a Window (here a minute) after they happened, the rejections no longer count. "+
			"(The window moves a bucket, Window/20, at a time: counts leave it between Window − Window/20 and "+
			"Window after they happened; these sit at the start of a bucket)")
	})
}

func TestCallersThroughTheThrottleDoNotWaitForEachOther(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// If this test hangs instead of failing, Do holds the Throttle's
		// lock while op runs: every other caller then waits for it, on a
		// sync.Mutex, where virtual time cannot pass.
		const callers = 3
		// Rand never goes below 0.9999: none of the three is rejected
		// locally, although none has been accepted yet when the next comes.
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: always(0.9999)})
		start := time.Now()
		done := make(chan time.Duration, callers)
		for range callers {
			go func() {
				_ = th.Do(t.Context(), func(context.Context) error { time.Sleep(time.Second); return nil })
				done <- time.Since(start)
			}()
		}
		var waits []time.Duration
		for range callers {
			waits = append(waits, <-done)
		}

		assert.Equal(t, []time.Duration{time.Second, time.Second, time.Second}, waits,
			"%d callers sent a request of 1s each through the throttle at once: each should get its answer at 1s. "+
				"Hold the lock to count and to decide, never while the request is out", callers)
	})
}

func TestConcurrentCallersShareTheThrottleSafely(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const callers, rounds = 8, 50
		// MaxReject 1: no cap, so that the probability shows every count.
		th := degradation.NewThrottle(degradation.ThrottleConfig{Rand: evenly(), MaxReject: 1})
		q := newQuota(0) // rejects everything, so the throttle has work to do

		var wg sync.WaitGroup
		var mu sync.Mutex
		throttled := 0
		for range callers {
			wg.Go(func() {
				for range rounds {
					err := th.Do(t.Context(), q.call)
					_ = th.Probability(degradation.Critical)
					if errors.Is(err, degradation.ErrThrottled) {
						mu.Lock()
						throttled++
						mu.Unlock()
					}
				}
			})
		}
		wg.Wait()

		sent, _ := q.counts()
		assert.Equal(t, callers*rounds, sent+throttled, "every request was sent or rejected locally")
		n := float64(callers * rounds)
		assert.InDelta(t, n/(n+1), th.Probability(degradation.Critical), 1e-12,
			"%d requests attempted by %d callers at once, none accepted: the probability is n/(n+1). Every count "+
				"is read and written under the lock (go test -race reports the rest)", callers*rounds, callers)
	})
}
