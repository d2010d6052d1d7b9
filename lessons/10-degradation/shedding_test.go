package degradation_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
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

// outcome is what became of one request sent through an Admission.
type outcome struct {
	who     string
	err     error
	ran     bool          // its work started
	started time.Duration // when its work started, from the test's start
	ended   time.Duration // when Do returned, from the test's start
}

func (o outcome) String() string {
	s := fmt.Sprintf("%s: ", o.who)
	if o.ran {
		s += fmt.Sprintf("ran from %v, ", o.started)
	}
	if o.err != nil {
		return s + fmt.Sprintf("%v at %v", o.err, o.ended)
	}
	return s + fmt.Sprintf("done at %v", o.ended)
}

// sender sends requests through an Admission and writes down what became
// of each.
type sender struct {
	adm   *degradation.Admission
	start time.Time

	mu       sync.Mutex
	outcomes map[string]*outcome
}

func newSender(adm *degradation.Admission) *sender {
	return &sender{adm: adm, start: time.Now(), outcomes: map[string]*outcome{}}
}

// send sends request who with ctx through the Admission, in a goroutine;
// its work takes took. The outcome is there once the request has ended.
func (s *sender) send(ctx context.Context, who string, took time.Duration) {
	o := &outcome{who: who}
	s.mu.Lock()
	s.outcomes[who] = o
	s.mu.Unlock()
	go func() {
		err := s.adm.Do(ctx, func(context.Context) error {
			s.mu.Lock()
			o.ran, o.started = true, time.Since(s.start)
			s.mu.Unlock()
			time.Sleep(took) // the work does not listen to ctx: rendering, say
			return nil
		})
		s.mu.Lock()
		o.err, o.ended = err, time.Since(s.start)
		s.mu.Unlock()
	}()
}

// get returns who's outcome so far.
func (s *sender) get(who string) outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	return *s.outcomes[who]
}

// report lists every outcome, by name, for failure messages.
func (s *sender) report() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var lines []string
	for _, o := range s.outcomes {
		lines = append(lines, o.String())
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n") + "\n"
}

// sheddable marks ctx as sheddable work.
func sheddable(ctx context.Context) context.Context {
	return degradation.WithCriticality(ctx, degradation.Sheddable)
}

// Exercise 3: criticality travels with the request; shed sheddable work first.

func TestCriticalityTravelsOnTheContext(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		ctx := t.Context()
		assert.Equal(t, degradation.Critical, degradation.CriticalityOf(ctx),
			"a request nobody marked is critical, as CRITICAL is the SRE book's default for requests from production jobs")
		marked := sheddable(ctx)
		assert.Equal(t, degradation.Sheddable, degradation.CriticalityOf(marked),
			"WithCriticality(ctx, Sheddable) should mark the request sheddable: keep the criticality as a context value")
		derived, cancel := context.WithTimeout(marked, time.Second)
		defer cancel()
		assert.Equal(t, degradation.Sheddable, degradation.CriticalityOf(derived),
			"a context derived from a sheddable one carries the criticality on, to every hop")
		assert.Equal(t, degradation.Critical, degradation.CriticalityOf(degradation.WithCriticality(derived, degradation.Critical)),
			"WithCriticality sets the criticality whatever the context carried: it is for the edge, where a "+
				"request comes in and what it is (a person waiting, a prefetch) decides its criticality")
		//lint:ignore SA1029 this is the other package's careless key the assertion is about
		careless := context.WithValue(ctx, "criticality", degradation.Sheddable)
		assert.Equal(t, degradation.Critical, degradation.CriticalityOf(careless),
			"only WithCriticality sets it: keep it under a key of an unexported type of your own, so that a value "+
				"another package put under \"criticality\" is never taken for it")
	})
}

func TestAHopCanLowerTheCriticalityButNeverRaiseIt(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		critical := t.Context()
		assert.Equal(t, degradation.Sheddable, degradation.CriticalityOf(degradation.Lower(critical, degradation.Sheddable)),
			"Lower(ctx, Sheddable) on a critical request: the work a hop asks for on its behalf may be less critical")
		assert.Equal(t, degradation.Critical, degradation.CriticalityOf(degradation.Lower(critical, degradation.Critical)),
			"Lower(ctx, Critical) on a critical request leaves it critical")
		derived, cancel := context.WithTimeout(sheddable(critical), time.Second)
		defer cancel()
		assert.Equal(t, degradation.Sheddable, degradation.CriticalityOf(degradation.Lower(derived, degradation.Critical)),
			"Lower(ctx, Critical) on a sheddable request must leave it sheddable: a hop that could raise the "+
				"criticality of what it asks for lets any request make itself critical, and then nothing is shed. "+
				"Only the edge sets it (WithCriticality)")
	})
}

func TestTheDashboardAsksForItsOptionalPartsAsSheddableWork(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, page := range []degradation.Criticality{degradation.Critical, degradation.Sheddable} {
		t.Run("a "+page.String()+" page", func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				d := newDashboard(degradation.Config{OptionalBudget: budget}, nil, nil, nil)

				_, _, err := d.page(t, degradation.WithCriticality(t.Context(), page), "42")

				require.NoError(t, err, "every part answered")
				for _, c := range []struct {
					b    *spy
					want degradation.Criticality
					why  string
				}{
					{d.profiles, page, "the profile is the page itself: it keeps the page's criticality"},
					{d.recommendations, degradation.Sheddable, "an optional part is sheddable work, whatever the page"},
					{d.activity, degradation.Sheddable, "an optional part is sheddable work, whatever the page"},
				} {
					ends := c.b.endings()
					require.Len(t, ends, 1, "%s should be asked once", c.b.Name())
					assert.Equal(t, c.want.String(), ends[0].criticality.String(),
						"the criticality %s's query carried, for a %v page: %s", c.b.Name(), page, c.why)
				}
			})
		})
	}
}

func TestNewAdmissionNeedsASlotAndAQueueOfNoLessThanNothing(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		for _, cfg := range []degradation.AdmissionConfig{{Slots: 0, Queue: 5}, {Slots: 1, Queue: -1}, {Slots: 0, Queue: -1}} {
			assert.Panics(t, func() { degradation.NewAdmission(cfg) },
				"%d slots and a queue of %d: with no slot nothing ever runs, and a queue cannot hold less than "+
					"nothing. NewAdmission should refuse it at once", cfg.Slots, cfg.Queue)
		}
		assert.NotPanics(t, func() { degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 0}) },
			"one slot and no queue: whoever finds the slot taken is shed at once")
	})
}

func TestCriticalRequestsGoAheadOfSheddableOnes(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		s := newSender(degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 10}))
		s.send(t.Context(), "busy", time.Second)
		for _, r := range []struct {
			at  time.Duration
			who string
		}{{10 * time.Millisecond, "sheddable 1"}, {20 * time.Millisecond, "sheddable 2"},
			{30 * time.Millisecond, "critical 1"}, {40 * time.Millisecond, "critical 2"}} {
			at(s.start, r.at)
			ctx := t.Context()
			if strings.HasPrefix(r.who, "sheddable") {
				ctx = sheddable(ctx)
			}
			s.send(ctx, r.who, time.Second)
		}
		letEverythingFinish()

		var order []string
		for _, who := range []string{"busy", "sheddable 1", "sheddable 2", "critical 1", "critical 2"} {
			o := s.get(who)
			order = append(order, fmt.Sprintf("%s at %v", who, o.started))
		}
		assert.Equal(t, []string{"busy at 0s", "sheddable 1 at 3s", "sheddable 2 at 4s", "critical 1 at 1s", "critical 2 at 2s"}, order,
			"when each request started. The critical ones came later but go first: each waits behind the critical "+
				"requests before it and ahead of every sheddable one\n%s", s.report())
	})
}

func TestAFullQueueShedsTheLastSheddableRequestFirst(t *testing.T) {
	defer goleak.VerifyNone(t)
	type arrival struct {
		at  time.Duration
		who string
	}
	for _, tc := range []struct {
		name                string
		queue               int
		arrivals            []arrival
		want                map[string]string // who: "ran at" or "shed at"
		critical, sheddable degradation.ClassStats
	}{
		{
			name:  "a queue of two",
			queue: 2,
			arrivals: []arrival{{10 * time.Millisecond, "sheddable 1"}, {20 * time.Millisecond, "sheddable 2"},
				{30 * time.Millisecond, "critical 1"}, {40 * time.Millisecond, "critical 2"},
				{50 * time.Millisecond, "critical 3"}, {60 * time.Millisecond, "sheddable 3"}},
			want: map[string]string{
				"busy": "ran at 0s", "critical 1": "ran at 1s", "critical 2": "ran at 2s",
				"sheddable 2": "shed at 30ms", // pushed out by critical 1: the last sheddable one in the queue
				"sheddable 1": "shed at 40ms", // pushed out by critical 2
				"critical 3":  "shed at 50ms", // the queue holds two critical requests: nothing to push out
				"sheddable 3": "shed at 60ms", // a sheddable newcomer to a full queue
			},
			critical:  degradation.ClassStats{Started: 3, Shed: 1},
			sheddable: degradation.ClassStats{Shed: 3},
		},
		{
			name:     "a queue of one",
			queue:    1,
			arrivals: []arrival{{10 * time.Millisecond, "sheddable 1"}, {20 * time.Millisecond, "critical 1"}},
			want: map[string]string{
				"busy": "ran at 0s", "critical 1": "ran at 1s",
				"sheddable 1": "shed at 20ms", // the only one waiting, first in line: pushed out all the same
			},
			critical:  degradation.ClassStats{Started: 2},
			sheddable: degradation.ClassStats{Shed: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: tc.queue})
				s := newSender(adm)
				s.send(t.Context(), "busy", time.Second)
				for _, r := range tc.arrivals {
					at(s.start, r.at)
					ctx := t.Context()
					if strings.HasPrefix(r.who, "sheddable") {
						ctx = sheddable(ctx)
					}
					s.send(ctx, r.who, time.Second)
				}
				letEverythingFinish()

				got := map[string]string{}
				for who := range tc.want {
					switch o := s.get(who); {
					case o.ran:
						got[who] = fmt.Sprintf("ran at %v", o.started)
					case errors.Is(o.err, degradation.ErrShed):
						got[who] = fmt.Sprintf("shed at %v", o.ended)
					default:
						got[who] = o.String()
					}
				}
				assert.Equal(t, tc.want, got,
					"room for 1 running and %d waiting. When the queue is full, a critical newcomer pushes out the "+
						"sheddable request that came last (it gets ErrShed at once), and only when no sheddable one is "+
						"left is a critical request refused\n%s", tc.queue, s.report())
				st := adm.Stats()
				assert.Equal(t, tc.critical, st.Critical, "Stats for the critical requests")
				assert.Equal(t, tc.sheddable, st.Sheddable, "Stats for the sheddable requests")
				assert.Zero(t, st.Running, "every request has ended, pushed out or not: every slot is free again")
				assert.Zero(t, st.Queued, "every request has ended: a request pushed out must leave the queue")
			})
		})
	}
}

func TestConcurrentRequestsShareTheAdmissionSafely(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Eight clients at once, critical and sheddable; every third request
		// is given up by its caller at the same moment, from another
		// goroutine, so that requests leave the queue while others enter it
		// and slots are handed over.
		const clients, rounds = 8, 25
		adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 2, Queue: 3})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var ran, shed, expired int
		for c := range clients {
			wg.Go(func() {
				for r := range rounds {
					// Not t.Context(): contexts derived from one shared parent lock
					// its mutex, and that would order the clients for the race
					// detector, hiding the very races this test is here to show.
					ctx, cancel := context.WithCancel(context.Background())
					if (c+r)%2 == 1 {
						ctx = sheddable(ctx)
					}
					if (c+r)%3 == 0 {
						go cancel()
					}
					err := adm.Do(ctx, func(context.Context) error { return nil })
					cancel()
					mu.Lock()
					switch {
					case err == nil:
						ran++
					case errors.Is(err, degradation.ErrShed):
						shed++
					case errors.Is(err, context.Canceled):
						expired++
					default:
						t.Errorf("Do returned %v; want nil, ErrShed or an error wrapping context.Canceled", err)
					}
					mu.Unlock()
					_ = adm.Stats()
				}
			})
		}
		wg.Wait()

		st := adm.Stats()
		assert.Zero(t, st.Running, "every request has ended: every slot should be free")
		assert.Zero(t, st.Queued, "every request has ended: nobody should be queued")
		assert.Equal(t, clients*rounds, ran+shed+expired, "every request ran, was shed, or was given up")
		assert.Equal(t, ran, st.Critical.Started+st.Sheddable.Started,
			"Stats should count every request that ran, once. %d clients sent requests at once: guard every "+
				"counter and the queue with the mutex, in one critical section from the check to the act "+
				"(go test -race reports the rest)", clients)
		assert.Equal(t, shed, st.Critical.Shed+st.Sheddable.Shed, "Stats should count every request shed, once")
		assert.Equal(t, expired, st.Critical.Expired+st.Sheddable.Expired,
			"Stats should count every request given up before it started, once")
	})
}

// Exercise 4: drop work nobody waits for.

func TestAQueuedRequestGivesUpAtItsDeadlineWithoutRunning(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 5})
		s := newSender(adm)
		s.send(t.Context(), "busy", time.Second)
		synctest.Wait()
		ctx, cancel := within(t, 300*time.Millisecond)
		defer cancel()
		s.send(ctx, "impatient", time.Second)

		at(s.start, 300*time.Millisecond)
		o := s.get("impatient")
		st := adm.Stats()
		letEverythingFinish()

		assert.Equal(t, 300*time.Millisecond, o.ended,
			"the impatient request was queued behind a 1s job with a 300ms deadline; Do should give up at 300ms, "+
				"when its caller does: wait in a select with ctx.Done()\n%s", s.report())
		assert.ErrorIs(t, o.err, context.DeadlineExceeded, "Do's error should wrap ctx.Err()\n%s", s.report())
		assert.False(t, s.get("impatient").ran,
			"the impatient request's work ran, for a caller who had left at 300ms\n%s", s.report())
		assert.Zero(t, st.Queued, "at 300ms the request that gave up should have left the queue")
		assert.Equal(t, degradation.ClassStats{Started: 1, Expired: 1}, adm.Stats().Critical,
			"Stats: busy started; the impatient request expired, never started")
		assert.Zero(t, adm.Stats().Running, "every slot is free again")
	})
}

func TestARequestThatArrivesPastItsDeadlineIsNotStarted(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, busy := range []bool{false, true} {
		name := map[bool]string{false: "a slot is free", true: "every slot is taken"}[busy]
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				defer letEverythingFinish()
				var depths []int
				adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 5,
					OnQueue: func(depth int) { depths = append(depths, depth) }})
				if busy {
					newSender(adm).send(t.Context(), "busy", time.Second)
					synctest.Wait()
				}
				ctx, cancel := context.WithCancel(t.Context())
				cancel() // the caller has gone before the request arrives

				ran := false
				err := adm.Do(ctx, func(context.Context) error { ran = true; return nil })

				assert.ErrorIs(t, err, context.Canceled, "Do's error should wrap ctx.Err()")
				assert.False(t, ran,
					"the work ran for a request whose caller had already gone: check ctx before taking a slot, "+
						"at every hop, so that nobody works for nobody")
				assert.Empty(t, depths, "a request nobody waits for should not even be queued: check ctx first")
				st := adm.Stats()
				assert.Equal(t, 1, st.Critical.Expired, "Stats: one request expired, never started")
				assert.Equal(t, map[bool]int{false: 0, true: 1}[busy], st.Running, "only busy holds a slot")
			})
		})
	}
}

func TestARequestWithNoMoreThanMinTimeLeftIsNotStarted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 5, MinTime: 100 * time.Millisecond})
		var got []string
		for _, left := range []time.Duration{99 * time.Millisecond, 100 * time.Millisecond, 100*time.Millisecond + 1} {
			ctx, cancel := within(t, left)
			ran := false
			err := adm.Do(ctx, func(context.Context) error { ran = true; return nil })
			cancel()
			got = append(got, fmt.Sprintf("%v left: ran %v, %v", left, ran, err != nil))
			if !ran {
				assert.ErrorIs(t, err, context.DeadlineExceeded, "%v left: Do's error should wrap context.DeadlineExceeded", left)
			}
		}

		assert.Equal(t, []string{"99ms left: ran false, true", "100ms left: ran false, true", "100.000001ms left: ran true, false"}, got,
			"the work takes 100ms (MinTime). With 99ms left it would end after the deadline; with exactly 100ms, "+
				"at it, when the caller has gone: neither is started. With 1ns more it ends in time")
		assert.Equal(t, degradation.ClassStats{Started: 1, Expired: 2}, adm.Stats().Critical,
			"Stats: the two that had too little time left expired, never started")
	})
}

func TestWorkThatCannotFinishInTimeIsNotStarted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		// Two hops, one slot each: the frontend renders for 100ms (without
		// listening to ctx), then asks profiles, which queries for 100ms.
		// So a page needs 200ms at the frontend (MinTime), and 100ms at
		// profiles. Four pages are asked for at once, each with 450ms to live.
		const pages = 4
		tl := timeline.New()
		frontend := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 10, MinTime: 200 * time.Millisecond})
		profiles := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 10, MinTime: 100 * time.Millisecond})
		hop := func(name string) func(context.Context) error {
			return func(context.Context) error {
				defer tl.Begin(name)()
				time.Sleep(100 * time.Millisecond)
				return nil
			}
		}
		page := func(ctx context.Context) error {
			return frontend.Do(ctx, func(ctx context.Context) error {
				_ = hop("frontend")(ctx)
				return profiles.Do(ctx, hop("profiles"))
			})
		}
		var wg sync.WaitGroup
		errs := make(chan error, pages)
		for range pages {
			wg.Go(func() {
				ctx, cancel := within(t, 450*time.Millisecond)
				defer cancel()
				defer tl.Begin("client")()
				errs <- page(ctx)
			})
		}
		wg.Wait()
		close(errs)

		picture := draw(tl)
		timeline.Keep(t, "work-nobody-waits-for", picture)
		served := 0
		for err := range errs {
			if err == nil {
				served++
			}
		}
		assert.Equal(t, 2, served, "two pages fit in 450ms: at 200ms and 400ms\n%s", picture)
		assert.Equal(t, []string{
			"client 0s-200ms", "client 0s-250ms", "client 0s-250ms", "client 0s-400ms",
			"frontend 0s-100ms", "frontend 200ms-300ms",
			"profiles 100ms-200ms", "profiles 300ms-400ms",
		}, spansOf(tl),
			"every span of the run. A page needs 200ms from the frontend's slot to its answer, and has 450ms: "+
				"one still queued at 250ms can no longer make it, even with the slot at once. It must leave the "+
				"queue then, and never start: rendered at 400ms, its profile would come at 600ms, to a client "+
				"who left at 450ms. Not only a deadline passed: too little time left (MinTime) is reason enough\n%s", picture)
		assert.Equal(t, degradation.ClassStats{Started: 2, Expired: 2}, frontend.Stats().Critical, "the frontend's Stats\n%s", picture)
		assert.Equal(t, degradation.ClassStats{Started: 2}, profiles.Stats().Critical, "profiles' Stats\n%s", picture)
	})
}

// mix is the load of the twice-the-capacity test, and what became of it.
type mix struct {
	offered, started, shed, expired map[degradation.Criticality]int
	latency                         map[degradation.Criticality][]time.Duration // of the started ones, sorted
}

// p99 returns the 99th percentile of sorted latencies (nearest rank).
func p99(sorted []time.Duration) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(99*len(sorted)+99)/100-1]
}

func (m mix) table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-10s %8s %8s %5s %8s %9s\n", "", "offered", "started", "shed", "expired", "p99")
	for _, c := range []degradation.Criticality{degradation.Critical, degradation.Sheddable} {
		fmt.Fprintf(&b, "%-10s %8d %8d %5d %8d %9v\n", c, m.offered[c], m.started[c], m.shed[c], m.expired[c],
			p99(m.latency[c]).Round(time.Millisecond))
	}
	return b.String()
}

func TestAtTwiceTheCapacityNoCriticalRequestIsShed(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// 5 slots, 120ms of work each: capacity 5/0.12s ≈ 41.7 a second.
		// Critical requests come every 30ms (33.3/s, 0.8× the capacity) and
		// sheddable ones every 20ms (50/s, 1.2×), for 3s: 2× in all. The
		// nudges keep every arrival off the instants when work ends. A
		// sheddable request's caller (a dashboard's optional part) waits
		// 300ms at most; the admission starts no work with 120ms or less left.
		const slots, queue, work, run = 5, 5, 120 * time.Millisecond, 3 * time.Second
		const criticalBudget, sheddableBudget = 250 * time.Millisecond, 300 * time.Millisecond
		critical := every(0, run, 30*time.Millisecond, func(k int) time.Duration { return time.Duration(2 * k) })
		shed := every(5*time.Millisecond, run, 20*time.Millisecond, func(k int) time.Duration { return time.Duration(2*k + 1) })
		type request struct {
			class degradation.Criticality
			at    time.Duration
		}
		var requests []request
		for _, at := range critical {
			requests = append(requests, request{degradation.Critical, at})
		}
		for _, at := range shed {
			requests = append(requests, request{degradation.Sheddable, at})
		}
		slices.SortFunc(requests, func(a, b request) int { return int(a.at - b.at) })
		times := make([]time.Duration, len(requests))
		for i, r := range requests {
			times[i] = r.at
		}

		adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: slots, Queue: queue, MinTime: work})
		m := mix{offered: map[degradation.Criticality]int{}, started: map[degradation.Criticality]int{},
			shed: map[degradation.Criticality]int{}, expired: map[degradation.Criticality]int{},
			latency: map[degradation.Criticality][]time.Duration{}}
		var mu sync.Mutex
		openLoop(time.Now(), times, func(i int) {
			r := requests[i]
			arrived := time.Now()
			ran := false
			ctx := degradation.WithCriticality(t.Context(), r.class)
			if r.class == degradation.Sheddable {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, sheddableBudget)
				defer cancel()
			}
			err := adm.Do(ctx, func(context.Context) error {
				ran = true
				time.Sleep(work)
				return nil
			})
			mu.Lock()
			defer mu.Unlock()
			m.offered[r.class]++
			switch {
			case ran:
				m.started[r.class]++
				m.latency[r.class] = append(m.latency[r.class], time.Since(arrived))
			case errors.Is(err, degradation.ErrShed):
				m.shed[r.class]++
			default:
				m.expired[r.class]++
			}
		})
		for _, l := range m.latency {
			slices.Sort(l)
		}

		table := m.table()
		timeline.Keep(t, "twice-the-capacity", table)
		t.Logf("2× the capacity for 3s: critical 0.8×, sheddable 1.2×\n%s", table)
		require.Zero(t, m.shed[degradation.Critical],
			"%d critical requests were shed while sheddable ones were let in; a critical request must never be "+
				"refused while the queue holds a sheddable one: it goes ahead of them, and pushes the last one out "+
				"when the queue is full\n%s", m.shed[degradation.Critical], table)
		assert.Equal(t, len(critical), m.started[degradation.Critical], "every critical request should run\n%s", table)
		assert.LessOrEqual(t, p99(m.latency[degradation.Critical]), criticalBudget,
			"the critical requests' p99 latency (waiting for a slot, then 120ms of work) should stay within their "+
				"%v budget: they wait only for the next free slot, never behind sheddable work\n%s", criticalBudget, table)
		assert.Equal(t, 30, m.started[degradation.Sheddable],
			"the sheddable requests get what capacity the critical ones leave: about 0.2× of it\n%s", table)
		assert.LessOrEqual(t, p99(m.latency[degradation.Sheddable]), sheddableBudget,
			"the sheddable requests that started should end within their callers' %v: a request with 120ms "+
				"(MinTime) or less left is not started, and one that waits leaves the queue then. Criticality "+
				"decides who is shed, not who may wait past their caller\n%s", sheddableBudget, table)
		st := adm.Stats()
		assert.Equal(t, degradation.ClassStats{Started: m.started[degradation.Critical]}, st.Critical,
			"Stats for the critical requests\n%s", table)
		assert.Equal(t, degradation.ClassStats{Started: m.started[degradation.Sheddable], Shed: m.shed[degradation.Sheddable],
			Expired: m.expired[degradation.Sheddable]}, st.Sheddable, "Stats for the sheddable requests\n%s", table)
		assert.Zero(t, st.Running, "every request has ended: every slot is free again")
		assert.Zero(t, st.Queued, "every request has ended: nobody is queued")
	})
}

func TestAGivenUpRequestLeavesItsPlaceToTheNext(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 1})
		s := newSender(adm)
		s.send(t.Context(), "busy", time.Second)
		at(s.start, 10*time.Millisecond)
		ctx, cancel := within(t, 290*time.Millisecond)
		defer cancel()
		s.send(ctx, "impatient", time.Second) // queued, gives up at 300ms
		at(s.start, 400*time.Millisecond)
		s.send(t.Context(), "next", time.Second)
		letEverythingFinish()

		assert.ErrorIs(t, s.get("impatient").err, context.DeadlineExceeded, "the impatient request gave up at 300ms\n%s", s.report())
		next := s.get("next")
		require.NoError(t, next.err,
			"the impatient request left the one place in the queue at 300ms, so the next one, at 400ms, should "+
				"get that place, not ErrShed: take a request that gives up out of the queue\n%s", s.report())
		assert.Equal(t, time.Second, next.started, "next should run when busy ends, at 1s\n%s", s.report())
		assert.False(t, s.get("impatient").ran, "the impatient request gave up: it must never run\n%s", s.report())
		st := adm.Stats()
		assert.Zero(t, st.Running, "every slot is free again: a slot handed to a request that left is lost")
		assert.Zero(t, st.Queued, "nobody is queued any more")
	})
}

func TestASlotHandedOverAsItsCallerGivesUpIsNotLost(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		// The busy request ends at the very instant the impatient one's
		// deadline passes. Which happens first is up to the scheduler; in
		// every order, the impatient request must not run, and the slot
		// must reach the next one at that instant. Twenty rounds, so that
		// the orders that lose it show.
		for round := 1; round <= 20; round++ {
			adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 2})
			s := newSender(adm)
			s.send(t.Context(), "busy", 300*time.Millisecond)
			at(s.start, time.Millisecond)
			ctx, cancel := within(t, 299*time.Millisecond)
			s.send(ctx, "impatient", time.Second)
			at(s.start, 2*time.Millisecond)
			patient, stop := within(t, time.Minute)
			s.send(patient, "next", time.Second)
			letEverythingFinish()
			cancel()
			stop()

			imp, next := s.get("impatient"), s.get("next")
			require.False(t, imp.ran, "round %d: the impatient request's deadline passed at 300ms, as the slot came: "+
				"it must not run\n%s", round, s.report())
			require.ErrorIs(t, imp.err, context.DeadlineExceeded, "round %d\n%s", round, s.report())
			require.True(t, next.ran && next.started == 300*time.Millisecond,
				"round %d: the slot busy gave back at 300ms should reach next at 300ms. When the caller gives up "+
					"at the instant its turn comes, the turn may already be on its way: take it, and give it "+
					"back\n%s", round, s.report())
			require.Zero(t, adm.Stats().Running, "round %d: every slot is free again\n%s", round, s.report())
		}
	})
}

func TestASlotIsGivenBackWhateverTheWorkDoes(t *testing.T) {
	defer goleak.VerifyNone(t)
	errWork := errors.New("the work failed")
	for _, tc := range []struct {
		name string
		work func(context.Context) error
	}{
		{"it succeeds", func(context.Context) error { return nil }},
		{"it fails", func(context.Context) error { return errWork }},
		{"it panics", func(context.Context) error { panic("the work panicked") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				adm := degradation.NewAdmission(degradation.AdmissionConfig{Slots: 1, Queue: 0})
				func() {
					defer func() { _ = recover() }()
					_ = adm.Do(t.Context(), tc.work)
				}()
				assert.Zero(t, adm.Stats().Running, "when the work has ended, however it ended, its slot is free again")
				ran := false
				err := adm.Do(t.Context(), func(context.Context) error { ran = true; return nil })
				assert.NoError(t, err, "with the only slot free, the next request should get it, not ErrShed")
				assert.True(t, ran, "the next request should run")
			})
		})
	}
}
