package degradation_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	degradation "github.com/wherewaiting/workshop/lessons/10-degradation"
)

var (
	errProfileDown         = errors.New("profile store is down")
	errRecommendationsDown = errors.New("recommendations are down")
	errActivityDown        = errors.New("activity is down")
	errBreakerOpen         = errors.New("circuit breaker is open")
)

// budget is every test's Config.OptionalBudget: an optional part has 300ms.
const budget = 300 * time.Millisecond

// Exercise 1: required and optional parts.

func TestASlowOptionalPartIsLeftOutAndThePageGoesOutOnTime(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		d := newDashboard(degradation.Config{OptionalBudget: budget},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(5 * time.Second)},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})
		ctx, cancel := within(t, 2*time.Second)
		defer cancel()

		p, waited, err := d.page(t, ctx, "42")
		synctest.Wait() // whatever ended at that instant has drawn its end

		picture := draw(d.tl)
		timeline.Keep(t, "slow-optional-part", picture)
		require.NoError(t, err,
			"the page failed after %v; the profile came at 100ms, and only recommendations, an optional part, "+
				"was late: serve the page without it, on time, and say so in Page.Degraded\n%s", waited, picture)
		assert.Equal(t, budget, waited,
			"the client waited %v; recommendations are optional and have a budget of 300ms: at 300ms the page "+
				"should go out without them, not wait for a 5s answer (nor for the request's 2s deadline)\n%s", waited, picture)
		assert.Equal(t, "profiles: profile:42", p.Profile, "the profile is the page's required part")
		assert.Equal(t, "activity: activity:42", p.Activity, "activity answered at 50ms, well within its budget")
		assert.Empty(t, p.Recommendations, "recommendations were late: the page has none")
		require.Equal(t, []string{degradation.PartRecommendations}, parts(p),
			"Page.Degraded should name recommendations, and only them\n%s", describe(p))
		assert.Equal(t, degradation.Omitted, p.Degraded[0].Served, "with no fallback configured, a late part is omitted")
		assert.ErrorIs(t, p.Degraded[0].Reason, context.DeadlineExceeded,
			"the reason recommendations are missing: their budget ran out\n%s", describe(p))
		assert.Equal(t, []string{"activity 0s-50ms", "client 0s-300ms", "profiles 0s-100ms", "recommendations 0s-300ms"},
			spansOf(d.tl), "all three asked at once; recommendations stopped at 300ms, when their budget ran out\n%s", picture)
	})
}

func TestAFailingOptionalPartIsLeftOutWithItsReason(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		d := newDashboard(degradation.Config{OptionalBudget: budget},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(80 * time.Millisecond)},
			[]backend.Option{backend.Latency(50 * time.Millisecond), backend.FailWith(errActivityDown)})

		p, waited, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "only activity, an optional part, failed: the page should go out without it\n%s", draw(d.tl))
		assert.Equal(t, 100*time.Millisecond, waited,
			"the client waited %v; every part had answered or failed by 100ms, when the profile came\n%s", waited, draw(d.tl))
		assert.Equal(t, "recommendations: recommendations:42", p.Recommendations, "recommendations answered in time")
		assert.Empty(t, p.Activity, "activity failed: the page has none")
		require.Equal(t, []string{degradation.PartActivity}, parts(p), "Page.Degraded should name activity, and only it\n%s", describe(p))
		assert.Equal(t, degradation.Omitted, p.Degraded[0].Served, "with no fallback configured, a failed part is omitted")
		assert.ErrorIs(t, p.Degraded[0].Reason, errActivityDown, "the reason should be activity's own error, wrapped\n%s", describe(p))
		assert.ErrorContains(t, p.Degraded[0].Reason, "activity for user 42",
			"the reason should name the part and the user, as ask does\n%s", describe(p))
	})
}

func TestAnOptionalPartWhoseBackendIgnoresItsContextDoesNotHoldThePage(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish() // the deaf query ends at 5s, on its own
		d := newDashboard(degradation.Config{OptionalBudget: budget},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(5 * time.Second), backend.IgnoreContext()},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})

		p, waited, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "only recommendations were late\n%s", draw(d.tl))
		assert.Equal(t, budget, waited,
			"the client waited %v; the recommendations backend does not listen to its context, so cancelling it "+
				"frees nobody. Do not wait for the goroutine to end (errgroup's Wait and a WaitGroup do): wait for "+
				"its answer or the budget, whichever comes first, and let a buffered channel take the late answer\n%s",
			waited, draw(d.tl))
		assert.Equal(t, []string{degradation.PartRecommendations}, parts(p), "recommendations were left out\n%s", describe(p))
	})
}

func TestAnOptionalPartNeverOutlivesTheRequestsDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		const margin = 50 * time.Millisecond
		d := newDashboard(degradation.Config{OptionalBudget: budget, Margin: margin},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(5 * time.Second)},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})
		ctx, cancel := within(t, 250*time.Millisecond)
		defer cancel()

		p, waited, err := d.page(t, ctx, "42")

		require.NoError(t, err, "the profile came at 100ms, before the request's deadline\n%s", draw(d.tl))
		assert.Equal(t, 200*time.Millisecond, waited,
			"the client waited %v; its request had 250ms, less than the optional budget of 300ms. The budget "+
				"is a deadline inside the request's, never beyond it, and it ends Margin (50ms) before the "+
				"request's deadline: a page that leaves at the deadline reaches a client who has gone. Derive "+
				"it from the request's context, ending at the earlier of the budget and the deadline less the "+
				"margin\n%s", waited, draw(d.tl))
		require.Equal(t, []string{degradation.PartRecommendations}, parts(p), "recommendations were left out\n%s", describe(p))
		assert.ErrorIs(t, p.Degraded[0].Reason, context.DeadlineExceeded, "the optional parts' time ran out\n%s", describe(p))
	})
}

func TestAWholePageWaitsOnlyForItsSlowestPart(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		d := newDashboard(degradation.Config{OptionalBudget: budget},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(250 * time.Millisecond)},
			[]backend.Option{backend.Latency(200 * time.Millisecond)})

		p, waited, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "every part answered\n%s", draw(d.tl))
		assert.Equal(t, 250*time.Millisecond, waited,
			"the client waited %v; every part answered by 250ms, so the page should go out then: the budget is "+
				"the most an optional part may take, not a time to wait out\n%s", waited, draw(d.tl))
		assert.Equal(t, degradation.Page{
			Profile:         "profiles: profile:42",
			Recommendations: "recommendations: recommendations:42",
			Activity:        "activity: activity:42",
		}, p, "every part answered in time: the page is whole, and Degraded is empty")
	})
}

func TestAnAnswerThatCameInTimeIsUsedWhenTheProfileIsSlow(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		d := newDashboard(degradation.Config{OptionalBudget: budget},
			[]backend.Option{backend.Latency(time.Second)},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(200 * time.Millisecond)})

		// The answers arrived within the budget, and by the time the
		// profile comes the budget is over too: both are ready. Twenty
		// pages, so that a choice left to chance shows.
		for round := 1; round <= 20; round++ {
			p, waited, err := d.page(t, t.Context(), "42")

			require.NoError(t, err, "page %d: every part answered\n%s", round, draw(d.tl))
			assert.Equal(t, time.Second, waited, "page %d: the profile, which is required, takes 1s", round)
			require.Empty(t, p.Degraded,
				"page %d: recommendations (100ms) and activity (200ms) answered within their 300ms budget, and are "+
					"left out of a page that waited 1s for its profile. An answer that came in time must be used, "+
					"even when the budget is also over by the time you look\n%s", round, describe(p))
		}
	})
}

func TestAFailedProfileFailsThePageAtOnceAndStopsTheOptionalParts(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		d := newDashboard(degradation.Config{OptionalBudget: budget},
			[]backend.Option{backend.Latency(100 * time.Millisecond), backend.FailWith(errProfileDown)},
			[]backend.Option{backend.Latency(5 * time.Second)},
			[]backend.Option{backend.Latency(5 * time.Second)})

		p, waited, err := d.page(t, t.Context(), "42")
		synctest.Wait()

		require.ErrorIs(t, err, errProfileDown, "the profile is required: without it there is no page\n%s", draw(d.tl))
		assert.EqualError(t, err, "profile for user 42: profile store is down", "the error should name the part, as ask does")
		assert.Equal(t, 100*time.Millisecond, waited,
			"the client waited %v; the profile failed at 100ms, and a page without its profile is no page: "+
				"fail at once\n%s", waited, draw(d.tl))
		assert.Equal(t, degradation.Page{}, p, "a failed request returns an empty page, not part of one")
		assert.Equal(t, []string{"activity 0s-100ms", "client 0s-100ms", "profiles 0s-100ms", "recommendations 0s-100ms"},
			spansOf(d.tl),
			"once the profile has failed at 100ms, nobody will read the optional parts: stop them then, "+
				"not at the end of their budget\n%s", draw(d.tl))
		for _, b := range []*spy{d.recommendations, d.activity} {
			ends := b.endings()
			require.Len(t, ends, 1, "%s should be asked once", b.Name())
			assert.ErrorIs(t, ends[0].cause, errProfileDown,
				"%s was stopped with cause %v: tell the optional queries why they were stopped (cancel with the "+
					"profile's error, context.WithCancelCause), so that their backends, and their logs, can tell "+
					"a failed page from a client who left", b.Name(), ends[0].cause)
		}
	})
}

func TestAClientWhoLeavesStopsTheOptionalPartsAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		d := newDashboard(degradation.Config{OptionalBudget: budget},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(5 * time.Second)},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(150*time.Millisecond, cancel) // the client leaves at 150ms

		_, waited, _ := d.page(t, ctx, "42")
		synctest.Wait()

		assert.Equal(t, 150*time.Millisecond, waited,
			"the client left at 150ms, and Handle went on waiting for recommendations until %v: the optional "+
				"parts' context must be derived from the request's (not from context.WithoutCancel), so that a "+
				"client who leaves stops them\n%s", waited, draw(d.tl))
		assert.Contains(t, spansOf(d.tl), "recommendations 0s-150ms",
			"the recommendations query should stop when the client leaves\n%s", draw(d.tl))
	})
}

func TestNewServiceRefusesABudgetThatIsNotPositive(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		for _, b := range []time.Duration{0, -time.Second} {
			assert.Panics(t, func() { degradation.NewService(nil, nil, nil, degradation.Config{OptionalBudget: b}) },
				"an OptionalBudget of %v would leave every optional part out of every page, or wait for it without end: "+
					"NewService should refuse it at once", b)
		}
		assert.NotPanics(t, func() { degradation.NewService(nil, nil, nil, degradation.Config{OptionalBudget: time.Nanosecond}) },
			"any positive budget is a budget")
	})
}

// Exercise 2: fallbacks that are cheaper than the primary.

// fallbacks is the Config of exercise 2: a last good answer may be a
// minute old, 100 of them are kept, and recommendations have a static
// default.
func fallbacks() degradation.Config {
	return degradation.Config{
		OptionalBudget: budget,
		MaxStale:       time.Minute,
		MaxEntries:     100,
		Defaults:       map[string]string{degradation.PartRecommendations: "bestsellers"},
	}
}

// downFromCall2 makes every call fail with err from the second one on.
func downFromCall2(err error) backend.Option {
	return backend.FailFunc(func(n int) error {
		if n >= 2 {
			return err
		}
		return nil
	})
}

func TestAFailedOptionalPartIsServedFromItsLastGoodAnswer(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		d := newDashboard(fallbacks(),
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(100 * time.Millisecond), numbered("recommendations"), downFromCall2(errRecommendationsDown)},
			[]backend.Option{backend.Latency(50 * time.Millisecond), numbered("activity")})

		first, _, err := d.page(t, t.Context(), "42")
		require.NoError(t, err, "the first page: every part answered")
		require.Equal(t, "recommendations #1", first.Recommendations, "the first page gets the first answer")
		at(start, 30*time.Second)
		p, waited, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "only recommendations failed")
		assert.Equal(t, 100*time.Millisecond, waited, "a fallback is local: it costs no waiting\n%s", describe(p))
		assert.Equal(t, "recommendations #1", p.Recommendations,
			"recommendations failed, and the page 30s ago got %q: serve that last good answer (it is no older "+
				"than MaxStale, a minute) rather than nothing\n%s", first.Recommendations, describe(p))
		assert.Equal(t, "activity #2", p.Activity, "activity answered: its fresh answer, not a stale one")
		require.Equal(t, []string{degradation.PartRecommendations}, parts(p), "only recommendations are degraded\n%s", describe(p))
		got := p.Degraded[0]
		assert.Equal(t, degradation.Stale, got.Served, "recommendations were served stale\n%s", describe(p))
		assert.Equal(t, 30*time.Second, got.Age,
			"the stale answer arrived at 100ms and is served at 30.1s: it is 30s old\n%s", describe(p))
		assert.ErrorIs(t, got.Reason, errRecommendationsDown, "the reason is the failure that made the page fall back")
	})
}

func TestAnAnswerOlderThanMaxStaleIsNotServed(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name   string
		second time.Duration // when the second page is asked for
		want   degradation.Source
		value  string
	}{
		{name: "exactly MaxStale old", second: time.Minute, want: degradation.Stale, value: "recommendations #1"},
		{name: "1ns older than MaxStale", second: time.Minute + time.Nanosecond, want: degradation.Default, value: "bestsellers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				start := time.Now()
				d := newDashboard(fallbacks(),
					[]backend.Option{backend.Latency(100 * time.Millisecond)},
					[]backend.Option{backend.Latency(100 * time.Millisecond), numbered("recommendations"), downFromCall2(errRecommendationsDown)},
					[]backend.Option{backend.Latency(50 * time.Millisecond)})

				_, _, err := d.page(t, t.Context(), "42")
				require.NoError(t, err, "the first page: every part answered")
				at(start, tc.second)
				p, _, err := d.page(t, t.Context(), "42")

				require.NoError(t, err, "only recommendations failed")
				age := tc.second // the answer came at 100ms; the fallback is served 100ms after the page starts
				require.Equal(t, []string{degradation.PartRecommendations}, parts(p), "only recommendations are degraded\n%s", describe(p))
				assert.Equal(t, tc.want.String(), p.Degraded[0].Served.String(),
					"the last good answer is %v old when the page falls back, and MaxStale is a minute: an answer "+
						"is served while it is at most MaxStale old, and never after; then the static default\n%s", age, describe(p))
				assert.Equal(t, tc.value, p.Recommendations, "what the page holds for recommendations\n%s", describe(p))
			})
		})
	}
}

func TestAnAnswerExactlyMaxStaleOldIsKeptUntilItIsServed(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		// Activity answers at 50ms, then fails. The second page comes when
		// that answer is MaxStale old less the profile's 100ms, and
		// recommendations answer for it just before activity falls back.
		d := newDashboard(fallbacks(),
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(50 * time.Millisecond), numbered("activity"), downFromCall2(errActivityDown)})

		_, _, err := d.page(t, t.Context(), "42")
		require.NoError(t, err, "the first page: every part answered")
		at(start, time.Minute-50*time.Millisecond)
		p, _, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "only activity failed")
		assert.Equal(t, "activity #1", p.Activity,
			"activity's last good answer is exactly MaxStale (a minute) old when the page falls back: it may "+
				"still be served. Forget an answer once it is older than MaxStale, not at MaxStale\n%s", describe(p))
	})
}

func TestAStaleAnswersAgeCountsFromWhenItCame(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		// The profile takes 1s; recommendations answer at 100ms, long
		// before the page is put together, then fail.
		d := newDashboard(fallbacks(),
			[]backend.Option{backend.Latency(time.Second)},
			[]backend.Option{backend.Latency(100 * time.Millisecond), numbered("recommendations"), downFromCall2(errRecommendationsDown)},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})

		_, _, err := d.page(t, t.Context(), "42")
		require.NoError(t, err, "the first page: every part answered")
		at(start, 30*time.Second)
		p, _, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "only recommendations failed")
		require.Equal(t, []string{degradation.PartRecommendations}, parts(p), "only recommendations are degraded\n%s", describe(p))
		assert.Equal(t, 30*time.Second+900*time.Millisecond, p.Degraded[0].Age,
			"the answer came at 100ms and is served at 31s: it is 30.9s old. Its age counts from when the backend "+
				"answered, not from when the page (which waited 1s for its profile) kept it\n%s", describe(p))
	})
}

func TestAStaleAnswerKeepsItsAgeWhenServedAgain(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		d := newDashboard(fallbacks(),
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(100 * time.Millisecond), numbered("recommendations"), downFromCall2(errRecommendationsDown)},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})

		var got []string
		for _, when := range []time.Duration{0, 40 * time.Second, 80 * time.Second} {
			at(start, when)
			p, _, err := d.page(t, t.Context(), "42")
			require.NoError(t, err, "only recommendations failed")
			got = append(got, fmt.Sprintf("at %v: %q %s", when, p.Recommendations, describe(p)))
		}

		assert.Equal(t, []string{
			"at 0s: \"recommendations #1\" (the page is whole: nothing degraded)\n",
			"at 40s: \"recommendations #1\" recommendations: stale, 40s old (recommendations for user 42: recommendations are down)\n",
			"at 1m20s: \"bestsellers\" recommendations: default (recommendations for user 42: recommendations are down)\n",
		}, got,
			"three pages: recommendations answered for the first, then failed. The answer of 0s is 40s old at 40s "+
				"and 80s old at 80s, past MaxStale (a minute): serving it does not make it new. Remember only "+
				"fresh answers from the backend, never what a page fell back to")
	})
}

func TestTheLastGoodAnswersKeptAreBoundedTheOldestForgottenFirst(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		// Room for 4 last good answers: two users' pages (two optional
		// parts each). Recommendations answer 4 pages, then fail.
		cfg := fallbacks()
		cfg.MaxEntries = 4
		d := newDashboard(cfg,
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(50 * time.Millisecond), numbered("recommendations"),
				backend.FailFunc(func(n int) error {
					if n >= 5 {
						return errRecommendationsDown
					}
					return nil
				})},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})

		for _, user := range []string{"1", "2", "1", "3"} { // user 1 again: now user 2's answers are the oldest
			_, _, err := d.page(t, t.Context(), user)
			require.NoError(t, err, "user %s's page: every part answered", user)
		}
		var got []string
		for _, user := range []string{"1", "2", "3"} {
			p, _, err := d.page(t, t.Context(), user)
			require.NoError(t, err, "only recommendations failed")
			got = append(got, fmt.Sprintf("user %s: %q", user, p.Recommendations))
		}

		assert.Equal(t, []string{`user 1: "recommendations #3"`, `user 2: "bestsellers"`, `user 3: "recommendations #4"`}, got,
			"what each user was served once recommendations failed. With room for 4 answers, user 3's page "+
				"(the fourth) made room by forgetting the oldest, user 2's; user 1 had answered again since. Keep "+
				"the last good answers bounded (MaxEntries), forgetting the least recently answered first: a map "+
				"of every user ever seen grows until the process runs out of memory. And keep them by part and "+
				"user: nobody is served another user's recommendations")
	})
}

func TestWithoutARecentAnswerTheDefaultIsServedOrThePartIsLeftOut(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		// The profile comes first (10ms), then activity fails (30ms), then
		// recommendations (60ms): the failures come in the other order.
		d := newDashboard(fallbacks(),
			[]backend.Option{backend.Latency(10 * time.Millisecond)},
			[]backend.Option{backend.Latency(60 * time.Millisecond), backend.FailWith(errRecommendationsDown)},
			[]backend.Option{backend.Latency(30 * time.Millisecond), backend.FailWith(errActivityDown)})

		p, waited, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "only optional parts failed")
		assert.Equal(t, 60*time.Millisecond, waited, "every part had answered or failed by 60ms")
		assert.Equal(t, "bestsellers", p.Recommendations,
			"recommendations failed and no good answer was ever seen: serve the static default, Config.Defaults\n%s", describe(p))
		assert.Empty(t, p.Activity, "activity failed and has no default: leave it out\n%s", describe(p))
		require.Equal(t, []string{degradation.PartRecommendations, degradation.PartActivity}, parts(p),
			"Page.Degraded lists recommendations before activity, whichever failed first\n%s", describe(p))
		assert.Equal(t, []degradation.Source{degradation.Default, degradation.Omitted},
			[]degradation.Source{p.Degraded[0].Served, p.Degraded[1].Served}, "what each part was served\n%s", describe(p))
		assert.ErrorIs(t, p.Degraded[0].Reason, errRecommendationsDown, "why recommendations fell back")
		assert.ErrorIs(t, p.Degraded[1].Reason, errActivityDown, "why activity was left out")
	})
}

func TestAFallbackNeverAsksTheStrugglingBackendAgain(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		const pages = 5
		// Recommendations are overloaded: one query at a time, 1s each.
		d := newDashboard(fallbacks(),
			[]backend.Option{backend.Latency(100 * time.Millisecond)},
			[]backend.Option{backend.Latency(time.Second), backend.Capacity(1)},
			[]backend.Option{backend.Latency(50 * time.Millisecond)})

		var waits []time.Duration
		for range pages {
			p, waited, err := d.page(t, t.Context(), "42")
			require.NoError(t, err, "only recommendations were late")
			require.Equal(t, "bestsellers", p.Recommendations, "recommendations were late: the default\n%s", describe(p))
			waits = append(waits, waited)
		}

		assert.Equal(t, pages, d.recommendations.Calls(),
			"the overloaded recommendations backend got %d queries for %d pages; want one a page. A fallback "+
				"that asks the same backend again (for \"popular\" items, say) doubles the load on the one "+
				"dependency that is already failing: fall back to something local\n%s",
			d.recommendations.Calls(), pages, draw(d.tl))
		for i, w := range waits {
			assert.Equal(t, budget, w, "page %d waited %v; a fallback should cost no waiting beyond the part's budget", i+1, w)
		}
	})
}

// tripped is a recommendations backend behind a circuit breaker (lesson
// 05) that can be opened: open, it fails every query at once, without
// asking the backend.
type tripped struct {
	*spy
	mu   sync.Mutex
	open bool
}

func (b *tripped) Query(ctx context.Context, q string) (string, error) {
	b.mu.Lock()
	open := b.open
	b.mu.Unlock()
	if open {
		return "", errBreakerOpen
	}
	return b.spy.Query(ctx, q)
}

func (b *tripped) trip() {
	b.mu.Lock()
	b.open = true
	b.mu.Unlock()
}

func TestAnOpenBreakerGetsTheFallbackServedAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		recommendations := &tripped{spy: newSpy(tl, "recommendations", backend.Latency(100*time.Millisecond), numbered("recommendations"))}
		d := &dashboard{
			tl:              tl,
			profiles:        newSpy(tl, "profiles", backend.Latency(100*time.Millisecond)),
			recommendations: recommendations.spy,
			activity:        newSpy(tl, "activity", backend.Latency(50*time.Millisecond)),
		}
		d.svc = degradation.NewService(d.profiles, recommendations, d.activity, fallbacks())

		_, _, err := d.page(t, t.Context(), "42")
		require.NoError(t, err, "the first page: every part answered")
		recommendations.trip()
		at(start, 10*time.Second)
		p, waited, err := d.page(t, t.Context(), "42")

		require.NoError(t, err, "only recommendations failed")
		assert.Equal(t, 100*time.Millisecond, waited, "the open breaker answered at once; the page waits only for its profile")
		assert.Equal(t, "recommendations #1", p.Recommendations, "the last good answer, 10s old\n%s", describe(p))
		require.Equal(t, []string{degradation.PartRecommendations}, parts(p), "only recommendations are degraded\n%s", describe(p))
		assert.Equal(t, degradation.Stale, p.Degraded[0].Served, "served stale\n%s", describe(p))
		assert.ErrorIs(t, p.Degraded[0].Reason, errBreakerOpen, "the reason is the open breaker\n%s", describe(p))
		assert.Equal(t, 1, d.recommendations.Calls(), "the open breaker kept the second query from the backend")
	})
}

func TestConcurrentPagesShareTheLastGoodAnswersSafely(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const clients, rounds = 8, 25
		// Instant backends; recommendations fail every other call, so that
		// pages write and read the last good answers at the same time.
		d := newDashboard(fallbacks(), nil,
			[]backend.Option{backend.FailFunc(func(n int) error {
				if n%2 == 0 {
					return errRecommendationsDown
				}
				return nil
			})}, nil)
		_, err := d.svc.Handle(t.Context(), "42") // call 1 succeeds: now there is a last good answer
		require.NoError(t, err, "the first page")

		var wg sync.WaitGroup
		failures := make(chan string, clients*rounds)
		for c := range clients {
			wg.Go(func() {
				for r := range rounds {
					// Not t.Context(): contexts derived from one shared parent
					// lock its mutex, which would order the pages for the race
					// detector and hide the races this test is here to show.
					p, err := d.svc.Handle(context.Background(), "42")
					switch {
					case err != nil:
						failures <- fmt.Sprintf("client %d, page %d: %v", c, r, err)
					case p.Recommendations != "recommendations: recommendations:42":
						failures <- fmt.Sprintf("client %d, page %d: recommendations %q", c, r, p.Recommendations)
					}
				}
			})
		}
		wg.Wait()
		close(failures)

		var got []string
		for f := range failures {
			got = append(got, f)
		}
		assert.Empty(t, got,
			"%d clients asked for pages at the same time; every recommendation, fresh or the last good answer, "+
				"is the same text, so every page should have it. Guard the last good answers with a mutex: "+
				"go test -race reports the pages that read one while another page writes it", clients)
	})
}
