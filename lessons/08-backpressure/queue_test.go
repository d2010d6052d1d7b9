package backpressure_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
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
	backpressure "github.com/wherewaiting/workshop/lessons/08-backpressure"
)

// Exercise 1: a bounded queue that says "full" at once, or waits with a deadline.

func TestSubmitTurnsAJobAwayAtOnceWhenTheQueueIsFull(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 3, ServiceTime: time.Second}, each(time.Second))
		for _, name := range []string{"first", "a", "b", "c"} {
			r.mustOffer(job(name))
		}

		_, err := r.offer(job("d"))

		require.ErrorIs(t, err, backpressure.ErrQueueFull,
			"the worker is busy with first, and a, b and c fill the queue's 3 places: d should be turned away at once "+
				"with an error matching ErrQueueFull, not queued behind them\n%s", r)
		st := r.q.Stats()
		assert.Equal(t, 1, st.Rejected, "Stats.Rejected should count the turned-away job\n%s", r)
		assert.Equal(t, 4, st.Accepted, "Stats.Accepted should count first, a, b and c\n%s", r)
		assert.Equal(t, int64(3), st.Depth, "a, b and c wait in the queue: Stats.Depth should be 3\n%s", r)

		letEverythingFinish()
		assert.Equal(t, []string{"first", "a", "b", "c"}, r.ran(),
			"the jobs the workers ran, in order: d was turned away, so it must never run\n%s", r)
	})
}

func TestQueueFullErrorSaysHowLongTheQueuedWorkTakesToDrain(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		workers int
		size    int64
		service time.Duration
		wait    time.Duration // size × service ÷ workers
	}{
		{workers: 1, size: 10, service: 100 * time.Millisecond, wait: time.Second},
		{workers: 2, size: 4, service: time.Second, wait: 2 * time.Second},
		{workers: 3, size: 6, service: 500 * time.Millisecond, wait: time.Second},
	} {
		t.Run(fmt.Sprintf("workers=%d,size=%d,service=%v", tc.workers, tc.size, tc.service), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := backpressure.Config{Workers: tc.workers, QueueSize: tc.size, ServiceTime: tc.service}
				r := newRig(t, cfg, each(tc.service))
				for i := range tc.workers {
					r.mustOffer(job(fmt.Sprintf("busy-%d", i+1)))
				}
				for i := range tc.size {
					r.mustOffer(job(fmt.Sprintf("queued-%d", i+1)))
				}

				_, err := r.offer(job("late"))

				require.ErrorIs(t, err, backpressure.ErrQueueFull, "every worker is busy and the queue is full\n%s", r)
				var full *backpressure.QueueFullError
				require.ErrorAs(t, err, &full,
					"the error should be a *backpressure.QueueFullError (its Unwrap gives ErrQueueFull), so that "+
						"the client can read when to come back; got %T: %v", err, err)
				assert.Equal(t, tc.size, full.Depth, "QueueFullError.Depth: the queue holds %d units", tc.size)
				assert.Equal(t, tc.size, full.Size, "QueueFullError.Size is Config.QueueSize")
				assert.Equal(t, int64(1), full.Cost, "QueueFullError.Cost: the job costs 1 (Cost 0 means 1)")
				require.Equal(t, tc.wait, full.Wait,
					"Wait should be Depth × ServiceTime ÷ Workers = %d × %v ÷ %d = %v: about how long the workers need "+
						"to drain what is queued now; got %v\n%s", tc.size, tc.service, tc.workers, tc.wait, full.Wait, r)
				hint, ok := any(full).(interface{ RetryAfter() time.Duration })
				require.True(t, ok,
					"*QueueFullError should have a method RetryAfter() time.Duration returning Wait: that is how a "+
						"retry loop (lesson 04's) finds a server's hint, with errors.As, whatever the error's type")
				assert.Equal(t, full.Wait, hint.RetryAfter(), "RetryAfter() should return Wait")

				at(r.start, full.Wait)
				assert.Zero(t, r.q.Stats().Depth,
					"at %v, the suggested retry time, the workers have taken every job that was queued\n%s", full.Wait, r)
				_, err = r.offer(job("late, again"))
				assert.NoError(t, err,
					"nobody else came meanwhile, so the client that came back after %v should get in. (Under load, "+
						"new offers take the room as it frees, and every client turned away together is told the same "+
						"time: real clients add jitter and charge the retry to a budget, lesson 04)\n%s", full.Wait, r)
			})
		})
	}
}

func TestNewRefusesAConfigWithoutAServiceTime(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		cfg := backpressure.Config{Workers: 1, QueueSize: 2} // no ServiceTime
		work := func(ctx context.Context, input string) (string, error) {
			select {
			case <-time.After(time.Second):
				return input, nil
			case <-ctx.Done():
				return "", ctx.Err()
			}
		}
		var q *backpressure.Queue
		refused := func() (v any) {
			defer func() { v = recover() }()
			q = backpressure.New(work, cfg)
			return nil
		}()
		told := "nothing: it was never full"
		if q != nil { // New took it: see what a client turned away is told, then stop the queue
			_, _ = q.Submit(job("first"))
			synctest.Wait() // the worker takes first
			for _, name := range []string{"a", "b", "c"} {
				if _, err := q.Submit(job(name)); err != nil {
					told = err.Error()
				}
			}
			if _, err := q.Shutdown(t.Context()); err != nil {
				t.Errorf("Shutdown: %v", err)
			}
		}

		require.NotNil(t, refused,
			"New accepted a Config with no ServiceTime, and a client turned away by the full queue was told %q. "+
				"Wait is Depth × ServiceTime ÷ Workers: with ServiceTime 0 it says \"retry after 0s\" to every client "+
				"turned away, so backpressure becomes a tight retry loop. New should refuse such a Config at once "+
				"(panic, as it does for a QueueSize below 1): a mistake in the config shows at start-up, not as a "+
				"retry storm under load", told)
	})
}

func TestTheQueueNeverHoldsMoreThanItsCapacity(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const clients = 30
		r := newRig(t, backpressure.Config{Workers: 2, QueueSize: 5, ServiceTime: time.Second}, each(time.Second))
		r.mustOffer(job("busy-1"))
		r.mustOffer(job("busy-2"))

		// A burst: 30 clients at the same instant, both workers busy.
		answers := make(chan error, clients)
		for i := range clients {
			go func() {
				_, err := r.q.Submit(job(fmt.Sprintf("burst-%02d", i+1)))
				answers <- err
			}()
		}
		synctest.Wait()
		require.Len(t, answers, clients,
			"%d of %d clients of the burst are still waiting inside Submit; Submit should answer at once: "+
				"accepted, or ErrQueueFull", clients-len(answers), clients)
		accepted, rejected := 0, 0
		for range clients {
			if err := <-answers; err == nil {
				accepted++
			} else {
				assert.ErrorIs(t, err, backpressure.ErrQueueFull)
				rejected++
			}
		}
		assert.Equal(t, 5, accepted, "both workers are busy and the queue has 5 places: 5 of the burst get in\n%s", r)
		assert.Equal(t, 25, rejected, "and the other 25 are turned away\n%s", r)
		st := r.q.Stats()
		assert.Equal(t, 25, st.Rejected, "Stats.Rejected after the burst")
		assert.Equal(t, int64(5), st.Depth, "Stats.Depth after the burst: the queue is full")

		letEverythingFinish()
		st = r.q.Stats()
		assert.Equal(t, int64(5), st.PeakDepth,
			"Stats.PeakDepth is the most the queue ever held: it should reach the capacity, 5, and never go beyond it")
		assert.Equal(t, 7, st.Done, "the 2 busy jobs and the 5 accepted from the burst should all be done\n%s", r)
		assert.Zero(t, st.Depth, "everything was run: the queue should be empty")
	})
}

func TestSubmitWaitWaitsForRoomAndGetsInWhenAJobLeaves(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 2, ServiceTime: 5 * time.Second}, each(5*time.Second))
		for _, name := range []string{"first", "a", "b"} {
			r.mustOffer(job(name))
		}

		got := r.await(t, r.goWait(t.Context(), job("patient")))[0]

		require.NoError(t, got.err, "a SubmitWait without a deadline should wait until there is room, then get in\n%s", r)
		assert.Equal(t, 5*time.Second, got.waited,
			"the patient client waited %v for room; the queue was full until first finished at 5s and the worker "+
				"took a off the queue: it should get in then, exactly at 5s, not before (it does not fit) and not later\n%s",
			got.waited, r)
		letEverythingFinish()
		assert.Equal(t, []string{"first", "a", "b", "patient"}, r.ran(), "jobs run in the order they got into the queue\n%s", r)
		assert.Equal(t, 15*time.Second, r.startedAt("patient"),
			"patient got in at 5s behind a (5s to 10s) and b (10s to 15s): it should start at 15s\n%s", r)
	})
}

func TestSubmitWaitGivesUpExactlyWhenItsContextEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name string
		ctx  func(context.Context) (context.Context, context.CancelFunc)
		at   time.Duration
		want error
	}{
		{
			name: "deadline",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(parent, 2*time.Second)
			},
			at:   2 * time.Second,
			want: context.DeadlineExceeded,
		},
		{
			name: "cancelled",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(parent)
				time.AfterFunc(3*time.Second, cancel)
				return ctx, cancel
			},
			at:   3 * time.Second,
			want: context.Canceled,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 2, ServiceTime: 10 * time.Second}, each(10*time.Second))
				for _, name := range []string{"first", "a", "b"} {
					r.mustOffer(job(name))
				}
				ctx, cancel := tc.ctx(t.Context())
				defer cancel()

				got := r.await(t, r.goWait(ctx, job("impatient")))[0]

				assert.Equal(t, tc.at, got.waited,
					"the client's context ended at %v, while the queue was still full (room comes at 10s): SubmitWait "+
						"should give up at that instant; the client waited %v\n%s", tc.at, got.waited, r)
				require.ErrorIs(t, got.err, tc.want,
					"SubmitWait should return an error wrapping ctx.Err(), %v\n%s", tc.want, r)
				st := r.q.Stats()
				assert.Equal(t, 3, st.Accepted, "the job that gave up must not be in the queue\n%s", r)
				assert.Equal(t, 1, st.Rejected, "a SubmitWait that gave up counts as rejected\n%s", r)
				letEverythingFinish()
				assert.NotContains(t, r.ran(), "impatient", "nobody waits for the job that gave up: it must never run\n%s", r)
			})
		})
	}
}

func TestASubmitWaitWaitingForRoomIsRefusedTheMomentShutdownBegins(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 2, ServiceTime: 10 * time.Second}, each(10*time.Second))
		for _, name := range []string{"first", "a", "b"} {
			r.mustOffer(job(name))
		}
		patient := r.goWait(t.Context(), job("patient")) // no deadline: it would wait for room at 10s

		at(r.start, time.Second)
		stopping := r.goShutdown(t.Context())
		got := r.await(t, patient)[0]

		require.ErrorIs(t, got.err, backpressure.ErrClosed,
			"patient was waiting for room when Shutdown began at 1s: SubmitWait should give up with ErrClosed\n%s", r)
		assert.Equal(t, time.Second, got.waited,
			"SubmitWait(\"patient\") waited %v; it should stop waiting the moment Shutdown begins, at 1s, not when "+
				"a worker frees room (10s), or never if the workers hang. Wait for room with a context that also ends "+
				"when Shutdown begins (q.intake): context.AfterFunc ties the two\n%s", got.waited, r)
		_, err := r.offer(job("late"))
		assert.ErrorIs(t, err, backpressure.ErrClosed, "a Submit after Shutdown began should get ErrClosed at once\n%s", r)

		done := r.awaitShutdown(t, stopping)
		require.NoError(t, done.err, "with no deadline, Shutdown waits for every queued job\n%s", r)
		assert.Equal(t, 3, done.report.Stats.Done, "first, a and b were accepted and should all be done\n%s", r)
		assert.Equal(t, []string{"first", "a", "b"}, r.ran(), "only the accepted jobs run\n%s", r)
	})
}

func TestTheRetryHintIsTheDrainTimeOfWhatIsQueuedNow(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 2, QueueSize: 4, ServiceTime: time.Second}, each(time.Second))
		r.mustOffer(job("busy-1"))
		r.mustOffer(job("busy-2"))
		r.mustOffer(job("queued")) // 1 unit of the 4 taken

		_, err := r.offer(costing("big", 4))

		var full *backpressure.QueueFullError
		require.ErrorAs(t, err, &full,
			"big costs 4 and only 3 units of room are free: it should be turned away with a *QueueFullError\n%s", r)
		assert.Equal(t, int64(1), full.Depth, "QueueFullError.Depth: one unit is queued\n%s", r)
		assert.Equal(t, 500*time.Millisecond, full.Wait,
			"the hint told the client of big to retry after %v. Wait = Depth × ServiceTime ÷ Workers = 1 × 1s ÷ 2 = "+
				"500ms: what is queued now, not the queue's size (a queue turns jobs away before it is full when "+
				"they are big), multiplied before it is divided, and rounded up, never down to 0s: \"retry at "+
				"once\" sends every client turned away straight back\n%s", full.Wait, r)
	})
}

func TestSubmitsRacingShutdownAreEitherAcceptedAndDoneOrRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const rounds, clients = 20, 8
		var wrong []string
		for round := range rounds {
			q := backpressure.New(func(ctx context.Context, input string) (string, error) {
				select {
				case <-time.After(time.Second):
					return "result of " + input, nil
				case <-ctx.Done():
					return "", ctx.Err()
				}
			}, backpressure.Config{Workers: 1, QueueSize: clients, ServiceTime: time.Second})

			// Eight clients and Shutdown, all at the same instant, with
			// nothing between them but the queue: run this test with -race.
			gate := make(chan struct{})
			var mu sync.Mutex
			var accepted []backpressure.JobID
			var wg sync.WaitGroup
			for i := range clients {
				input := fmt.Sprintf("round %d job %d", round+1, i+1)
				wg.Go(func() {
					<-gate
					var id backpressure.JobID
					err := func() (err error) {
						defer func() {
							if v := recover(); v != nil {
								err = fmt.Errorf("%w: %v", errPanicked, v)
							}
						}()
						id, err = q.Submit(job(input))
						return err
					}()
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						accepted = append(accepted, id)
					case !errors.Is(err, backpressure.ErrClosed):
						wrong = append(wrong, fmt.Sprintf("Submit(%q): %v", input, err))
					}
				})
			}
			var report backpressure.Report
			wg.Go(func() {
				<-gate
				var err error
				if report, err = q.Shutdown(context.Background()); err != nil {
					mu.Lock()
					wrong = append(wrong, fmt.Sprintf("Shutdown, with no deadline: %v", err))
					mu.Unlock()
				}
			})
			close(gate)
			wg.Wait()

			for _, id := range accepted {
				if st, err := q.Status(id); err != nil || st.State != backpressure.Done {
					wrong = append(wrong, fmt.Sprintf("%s was accepted, and is %v (%v) after Shutdown returned", id, st.State, err))
				}
			}
			if report.Stats.Accepted != len(accepted) || report.Stats.Done != len(accepted) {
				wrong = append(wrong, fmt.Sprintf("round %d: %d accepted, the report says %d accepted and %d done",
					round+1, len(accepted), report.Stats.Accepted, report.Stats.Done))
			}
		}
		assert.Empty(t, wrong,
			"%d rounds of %d clients calling Submit at the very instant Shutdown is called. Each Submit should "+
				"either be accepted, and its job done before Shutdown returns, or be refused with ErrClosed; "+
				"instead: %v. Shutdown closes the jobs channel under the lock, once it has set closed: a job must "+
				"be checked against closed and sent in the same critical section, or the send may come after the "+
				"close, which panics (the send never waits: the job holds its room)", rounds, clients, wrong)
	})
}

// Exercise 2: jobs take room by their cost, and wait in line for it.

func TestABigJobTakesAsMuchRoomAsItCosts(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 4, ServiceTime: time.Second}, byCost(time.Second))
		r.mustOffer(job("first"))
		r.mustOffer(costing("big", 4))
		assert.Equal(t, int64(4), r.q.Stats().Depth, "a job of Cost 4 takes 4 units of room: Stats.Depth should be 4\n%s", r)

		_, err := r.offer(costing("small", 1))

		require.ErrorIs(t, err, backpressure.ErrQueueFull,
			"the queue has room for 4 units and the big job takes all 4: a small job should be turned away, "+
				"although only one job is waiting\n%s", r)
		var full *backpressure.QueueFullError
		require.ErrorAs(t, err, &full)
		assert.Equal(t, int64(1), full.Cost, "QueueFullError.Cost is the room the small job needed")
		assert.Equal(t, int64(4), full.Depth, "QueueFullError.Depth is the room taken, in units, not the number of jobs")
		assert.Equal(t, 4*time.Second, full.Wait,
			"Wait = Depth × ServiceTime ÷ Workers = 4 × 1s ÷ 1: a big job is 4 units of work")

		_, err = r.offer(costing("huge", 5))
		assert.ErrorIs(t, err, backpressure.ErrTooBig, "a job of Cost 5 will never fit in a queue of 4: ErrTooBig, at once")
		got := r.await(t, r.goWait(t.Context(), costing("huge, patient", 5)))[0]
		assert.ErrorIs(t, got.err, backpressure.ErrTooBig,
			"SubmitWait should not wait for room that can never exist: ErrTooBig, at once")
		assert.Zero(t, got.waited, "a job that can never fit should be told at once\n%s", r)
	})
}

func TestSubmitWaitThatGivesUpLeavesTheRoomAsItWas(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 4, ServiceTime: time.Second}, func(name string) time.Duration {
			if name == "first" {
				return 10 * time.Second
			}
			return time.Second
		})
		for _, name := range []string{"first", "s1", "s2", "s3"} {
			r.mustOffer(job(name))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		big := r.goWait(ctx, costing("big", 4))

		at(r.start, time.Second)
		_, err := r.offer(job("small-1"))
		assert.ErrorIs(t, err, backpressure.ErrQueueFull,
			"at 1s one unit of room is free, but the big job has been waiting for room since 0s: a small job must "+
				"not jump ahead of it (a semaphore.Weighted's TryAcquire fails while others wait)\n%s", r)

		got := r.await(t, big)[0]
		require.ErrorIs(t, got.err, context.DeadlineExceeded, "the big job's client gave up at its 2s deadline\n%s", r)
		assert.Equal(t, 2*time.Second, got.waited, "SubmitWait should give up at the deadline, exactly\n%s", r)

		_, err = r.offer(job("small-2"))
		assert.NoError(t, err,
			"the big job gave up without taking any room, so the one free unit is still free: a small job should "+
				"get in (a failed Acquire leaves the semaphore unchanged; there is nothing to release)\n%s", r)
		assert.Equal(t, int64(4), r.q.Stats().Depth, "s1, s2, s3 and small-2 fill the queue: Depth 4\n%s", r)
	})
}

func TestAWaitingBigJobIsNotStarvedBySmallOnes(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 4, ServiceTime: time.Second}, byCost(time.Second))
		for _, name := range []string{"first", "s1", "s2", "s3", "s4"} {
			r.mustOffer(job(name))
		}
		big := r.goWait(t.Context(), costing("big", 4))

		// Every second a job leaves the queue and frees one unit, and a
		// small job comes by, just then, with Submit.
		var patient <-chan admission
		for i := 1; i <= 3; i++ {
			at(r.start, time.Duration(i)*time.Second)
			_, err := r.offer(job(fmt.Sprintf("late-%d", i)))
			assert.ErrorIs(t, err, backpressure.ErrQueueFull,
				"at %ds %d unit(s) of room are free, but the big job is waiting for 4: late-%d must not take them, "+
					"or small jobs will starve the big one forever\n%s", i, i, i, r)
			if i == 1 {
				at(r.start, 1500*time.Millisecond)
				patient = r.goWait(t.Context(), job("patient")) // in line behind the big job
			}
		}

		got := r.await(t, big, patient)
		letEverythingFinish()
		picture := r.draw(1, 0)
		timeline.Keep(t, "big-job-in-line", picture)
		require.NoError(t, got[0].err, "the big job should get in\n%s", picture)
		assert.Equal(t, 4*time.Second, got[0].waited,
			"the big job should get in at 4s, when s4 leaves the queue and all 4 units are free; it waited %v\n%s", got[0].waited, picture)
		require.NoError(t, got[1].err, "the patient small job should get in\n%s", picture)
		assert.Equal(t, 3500*time.Millisecond, got[1].waited,
			"patient came at 1.5s, behind the big job: it should get in at 5s, when the big job leaves the queue, "+
				"not before it; it waited %v\n%s", got[1].waited, picture)
		assert.Equal(t, []string{"first", "s1", "s2", "s3", "s4", "big", "patient"}, r.ran(), "the order the jobs ran in\n%s", picture)
		if !t.Failed() {
			t.Logf("the big job waits in line for all 4 units; the small ones that come by are turned away:\n%s", picture)
		}
	})
}

// Exercise 3: drop the work nobody waits for any more.

func TestAJobWhoseDeadlinePassedInTheQueueIsNotRun(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 10, ServiceTime: time.Second}, each(time.Second))
		now := time.Now()
		r.mustOffer(job("first"))
		late := r.mustOffer(until("late", now.Add(500*time.Millisecond)))
		edge := r.mustOffer(until("edge", now.Add(time.Second)))
		fine := r.mustOffer(until("fine", now.Add(5*time.Second)))
		r.mustOffer(job("after"))

		letEverythingFinish()

		assert.Equal(t, []string{"first", "fine", "after"}, r.ran(),
			"the jobs the worker ran, in order. When first ends at 1s, late's client stopped waiting at 0.5s and "+
				"edge's at 1s, that very instant: nobody waits for them, so the worker must drop them, not run them\n%s", r)
		assert.Equal(t, time.Second, r.startedAt("fine"),
			"fine should start at 1s: dropping late and edge takes no time\n%s", r)
		for name, id := range map[string]backpressure.JobID{"late": late, "edge": edge} {
			st, err := r.q.Status(id)
			require.NoError(t, err)
			assert.Equal(t, backpressure.Expired.String(), st.State.String(),
				"the status of %s, still in the queue at its deadline: Expired\n%s", name, r)
			assert.ErrorIs(t, st.Err, context.DeadlineExceeded,
				"%s's Status.Err should say why it was dropped, wrapping context.DeadlineExceeded", name)
		}
		st, err := r.q.Status(fine)
		require.NoError(t, err)
		assert.Equal(t, backpressure.Done.String(), st.State.String(), "fine started before its deadline and finished\n%s", r)
		assert.Equal(t, 2, r.q.Stats().Expired, "Stats.Expired should count late and edge")
	})
}

func TestEveryAcceptedJobEndsDoneFailedOrExpired(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 2, QueueSize: 6, ServiceTime: time.Second}, each(time.Second))
		now := time.Now()
		offers := []backpressure.Job{
			job("a"), job("fail-b"), // the two workers take these at once
			until("c", now.Add(500*time.Millisecond)), // expired at 1s
			job("d"), job("fail-e"), // run from 1s to 2s
			until("f", now.Add(time.Second)),   // expired at 2s
			until("g", now.Add(2*time.Second)), // expired at 2s, its very deadline
			job("h"),                           // runs from 2s to 3s
			job("i"), job("j"),                 // no room: turned away
		}
		ids := map[string]backpressure.JobID{}
		for _, j := range offers {
			if id, err := r.offer(j); err == nil {
				ids[j.Input] = id
			}
		}
		letEverythingFinish()

		got := map[string]string{}
		count := map[backpressure.State]int{}
		for name, id := range ids {
			st, err := r.q.Status(id)
			require.NoError(t, err)
			got[name] = st.State.String()
			count[st.State]++
		}
		want := map[string]string{
			"a": "done", "fail-b": "failed", "c": "expired", "d": "done", "fail-e": "failed",
			"f": "expired", "g": "expired", "h": "done",
		}
		assert.Equal(t, want, got,
			"how each accepted job ended (a job named fail-… fails). c, f and g were still queued at their deadlines\n%s", r)

		st := r.q.Stats()
		assert.Equal(t, 8, st.Accepted, "2 taken by the workers at once and 6 queued\n%s", r)
		assert.Equal(t, 2, st.Rejected, "i and j found no room\n%s", r)
		assert.Equal(t, st.Accepted, st.Done+st.Failed+st.Expired,
			"nothing lost: every accepted job should end as exactly one of done (%d), failed (%d) or expired (%d), "+
				"and the counts add up to accepted (%d)\n%s", st.Done, st.Failed, st.Expired, st.Accepted, r)
		assert.Equal(t, []int{count[backpressure.Done], count[backpressure.Failed], count[backpressure.Expired]},
			[]int{st.Done, st.Failed, st.Expired},
			"Stats' Done, Failed and Expired should agree with the jobs' statuses")
	})
}

func TestAfterShutdownGivesUpNoQueuedJobStarts(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 5, ServiceTime: 5 * time.Second}, each(5*time.Second))
		for _, name := range []string{"first", "a", "b", "c"} {
			r.mustOffer(job(name))
		}
		at(r.start, time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()

		got := r.awaitShutdown(t, r.goShutdown(ctx))
		at(r.start, time.Minute)
		how := fmt.Sprintf("with %v", got.err)
		if errors.Is(got.err, context.DeadlineExceeded) {
			how = "with an error wrapping context.DeadlineExceeded"
		}
		picture := fmt.Sprintf("Shutdown began at 1s, with 2s to spare.\nIt returned after %v, %s.\n%s", got.waited, how, r)
		timeline.Keep(t, "shutdown-gives-up", picture)

		assert.Equal(t, 2*time.Second, got.waited,
			"Shutdown began at 1s with 2s to spare: it should give up at exactly 3s\n%s", picture)
		assert.ErrorIs(t, got.err, context.DeadlineExceeded, "a Shutdown that gave up wraps ctx.Err()\n%s", picture)
		assert.Equal(t, []string{"first"}, r.ran(),
			"the jobs that ever started. At 3s Shutdown gave up: first was running (its work is cancelled then) and "+
				"a, b and c were queued. Nobody waits for them any more, so no worker may start them afterwards, "+
				"not even with a cancelled context: a worker that takes a job Shutdown gave up on skips it\n%s", picture)
		assert.Equal(t, 3*time.Second, r.endedAt("first"),
			"first's work should be cancelled at 3s, when Shutdown gives up\n%s", picture)
		if !t.Failed() {
			t.Logf("Shutdown gave up at 3s; the running job was cancelled and the 3 queued ones never ran:\n%s", picture)
		}
	})
}

func TestShutdownNamesEveryJobItGaveUpOn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 5, ServiceTime: 5 * time.Second}, each(5*time.Second))
		var ids []backpressure.JobID
		for _, name := range []string{"first", "a", "b", "c"} {
			ids = append(ids, r.mustOffer(job(name)))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()

		got := r.awaitShutdown(t, r.goShutdown(ctx))
		letEverythingFinish()

		require.ErrorIs(t, got.err, context.DeadlineExceeded, "Shutdown should give up at its 2s deadline\n%s", r)
		assert.Equal(t, ids, got.report.Unfinished,
			"at 2s first was running and a, b and c were queued: the report should name all four as unfinished, in "+
				"the order they were accepted\n%s", r)
		assert.Equal(t, []string{"unfinished", "unfinished", "unfinished", "unfinished"}, r.states(ids),
			"after everything settled, each job's Status should agree with the report: first stays unfinished when "+
				"its cancelled work returns, and the queued ones, never started, stay unfinished too\n%s", r)
		st := r.q.Stats()
		assert.Equal(t, []int{4, 0, 0, 0, 4}, []int{st.Accepted, st.Done, st.Failed, st.Expired, st.Unfinished},
			"Stats' Accepted, Done, Failed, Expired and Unfinished: nothing lost, accepted = done + failed + "+
				"expired + unfinished, and nothing counted twice\n%s", r)
	})
}

func TestShutdownWithNothingLeftReturnsNilEvenIfItsContextHasEnded(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer oneProcessor()() // Shutdown runs on after it closes the queue, as it often does
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 2, QueueSize: 5, ServiceTime: time.Second}, each(time.Second))
		r.mustOffer(job("a"))
		r.mustOffer(job("b"))
		at(r.start, 2*time.Second) // both done at 1s: the queue is idle
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // the operator's context has ended already

		got := r.awaitShutdown(t, r.goShutdown(ctx))

		assert.NoError(t, got.err,
			"a and b were done at 1s and nothing was left when Shutdown began: it gave up on nothing, so it should "+
				"return nil, whatever its context says (unfinished: %v). A select picks at random among the cases "+
				"that are ready, and the workers of an idle queue return only just after the channel is closed: let "+
				"the error say that something was left unfinished, not which case won\n%s", got.report.Unfinished, r)
		assert.Empty(t, got.report.Unfinished, "nothing was left unfinished")
		assert.Equal(t, 2, got.report.Stats.Done, "the report counts the 2 jobs done")
		assert.Zero(t, got.waited, "with nothing left to wait for, Shutdown should return at once; it took %v", got.waited)
	})
}

func TestShutdownGivesCancelledWorkAGraceAndReportsHowItEnded(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Three workers, jobs of 10s. Cancelled, deaf-a goes on (it never
		// looks at its context); commit-b takes 200ms to commit its write
		// and returns its result; c stops at once. d waits in the queue.
		// The Config sets no Grace: the default, 1s.
		r := newRig(t, backpressure.Config{Workers: 3, QueueSize: 5, ServiceTime: 10 * time.Second},
			each(10*time.Second))
		var ids []backpressure.JobID
		for _, name := range []string{"deaf-a", "commit-b", "c", "d"} {
			ids = append(ids, r.mustOffer(job(name)))
		}
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()

		got := r.awaitShutdown(t, r.goShutdown(ctx))
		committed := r.endedAt("commit-b")
		picture := fmt.Sprintf("Shutdown(ctx with 3s, default Grace 1s) returned after %v.\ndone: %d, unfinished: %v\n%s",
			got.waited, got.report.Stats.Done, got.report.Unfinished, r)
		timeline.Keep(t, "shutdown-grace", picture)

		assert.Equal(t, 4*time.Second, got.waited,
			"Shutdown returned after %v. Its context ended at 3s: it should cancel the running jobs and wait for "+
				"their Work to return, but no longer than the grace (the Config sets none: DefaultGrace, 1s). deaf-a "+
				"ignores the cancel and runs until 10s, so Shutdown should return at exactly 3s + 1s = 4s\n%s",
			got.waited, picture)
		require.ErrorIs(t, got.err, context.DeadlineExceeded, "jobs were left unfinished\n%s", picture)
		assert.Equal(t, 3*time.Second+commitTime, committed,
			"commit-b's work should be cancelled at 3s and return its result 200ms later\n%s", picture)
		assert.Equal(t, 1, got.report.Stats.Done,
			"commit-b returned its result within the grace, at 3.2s: the report should count it done, not "+
				"unfinished: its write happened\n%s", picture)
		assert.Equal(t, []backpressure.JobID{ids[0], ids[2], ids[3]}, got.report.Unfinished,
			"deaf-a did not return within the grace, c stopped at the cancel (at 3s, before the others were "+
				"marked), and d never started: all three are unfinished, named in the order they were accepted, "+
				"not in the order they ended\n%s", picture)
		letEverythingFinish()
		assert.Equal(t, []string{"unfinished", "done", "unfinished", "unfinished"}, r.states(ids),
			"after everything settled, each job's Status agrees with the report: deaf-a's Work returned at 10s, "+
				"after the report was given, and stays unfinished\n%s", picture)
		assert.Equal(t, []string{"deaf-a", "commit-b", "c"}, r.ran(), "d must never start after Shutdown gave up\n%s", picture)
		if !t.Failed() {
			t.Logf("cancelled at 3s, commit-b committed within the grace; deaf-a outlived it:\n%s", picture)
		}
	})
}

func TestAJobWithoutADeadlineIsStillStoppedAtTheTimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 5, ServiceTime: time.Second, Timeout: 3 * time.Second},
			func(name string) time.Duration {
				if name == "stuck" {
					return time.Hour
				}
				return time.Second
			})
		ids := []backpressure.JobID{r.mustOffer(job("stuck")), r.mustOffer(job("next"))}

		var got []string
		for _, d := range []time.Duration{3*time.Second - time.Nanosecond, 3 * time.Second, 4 * time.Second} {
			at(r.start, d)
			got = append(got, fmt.Sprintf("at %v: %s", d, strings.Join(r.states(ids), ", ")))
		}
		assert.Equal(t, []string{
			"at 2.999999999s: running, accepted",
			"at 3s: failed, running",
			"at 4s: failed, done",
		}, got,
			"stuck has no deadline, and its work would take an hour: the Timeout, 3s from when it started, should "+
				"stop it, and the worker should take next at once\n%s", r)
		st, err := r.q.Status(ids[0])
		require.NoError(t, err)
		assert.ErrorIs(t, st.Err, context.DeadlineExceeded, "stuck's Status.Err should say it ran out of time; got %v", st.Err)
	})
}

func TestAJobStartedBeforeItsDeadlineIsStoppedAtIt(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// A queue of one place, and no Timeout: the default, a minute.
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 1, ServiceTime: time.Second}, each(5*time.Second))
		id := r.mustOffer(until("report", time.Now().Add(2*time.Second)))

		letEverythingFinish()

		assert.Equal(t, 2*time.Second, r.endedAt("report"),
			"report started at 0s, before its 2s deadline, and its work would take 5s. At 2s its client stops "+
				"waiting: the work should be cancelled then, not run on for nobody until 5s. The job's Deadline "+
				"bounds its work too: give the work a context whose deadline is the sooner of the Deadline and "+
				"start + Timeout\n%s", r)
		st, err := r.q.Status(id)
		require.NoError(t, err)
		assert.ErrorIs(t, st.Err, context.DeadlineExceeded,
			"report's Status.Err should say that it ran out of time; got %v (%v)\n%s", st.Err, st.State, r)
	})
}

func TestEveryFinishedJobIsForgottenWhenItsRetentionEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 10, ServiceTime: time.Second, Retention: 10 * time.Second},
			func(name string) time.Duration {
				if name == "slow" {
					return 10 * time.Second
				}
				return time.Second
			})
		now := time.Now()
		ids := []backpressure.JobID{
			r.mustOffer(job("first")),                                 // done at 1s
			r.mustOffer(until("late", now.Add(500*time.Millisecond))), // expired at 1s
			r.mustOffer(job("fail-x")),                                // failed at 2s
			r.mustOffer(job("slow")),                                  // running at 4s: unfinished
			r.mustOffer(job("never")),                                 // queued at 4s: unfinished
		}
		ctx, cancel := context.WithTimeout(t.Context(), 4*time.Second)
		defer cancel()
		r.goShutdown(ctx) // gives up at 4s

		var got []string
		for _, d := range []time.Duration{
			11*time.Second - time.Nanosecond, 11 * time.Second, 12 * time.Second, 14*time.Second - time.Nanosecond, 14 * time.Second,
		} {
			at(r.start, d)
			got = append(got, fmt.Sprintf("at %v: %s", d, strings.Join(r.states(ids), ", ")))
		}
		assert.Equal(t, []string{
			"at 10.999999999s: done, expired, failed, unfinished, unfinished",
			"at 11s: forgotten, forgotten, failed, unfinished, unfinished",
			"at 12s: forgotten, forgotten, forgotten, unfinished, unfinished",
			"at 13.999999999s: forgotten, forgotten, forgotten, unfinished, unfinished",
			"at 14s: forgotten, forgotten, forgotten, forgotten, forgotten",
		}, got,
			"statuses are kept 10s from when a job finished, then forgotten (Status answers ErrUnknownJob): first "+
				"(done at 1s) and late (expired at 1s, when the worker found it past its deadline) at 11s, fail-x "+
				"(failed at 2s) at 12s, slow and never (unfinished when Shutdown gave up at 4s) at 14s. Expired is an "+
				"end like the others: record it with end, which starts the retention\n%s", r)
		assert.Zero(t, r.q.Stats().Tracked, "at 14s every job is past its retention: the queue should hold no status")
		st, err := r.q.Status(ids[0])
		require.ErrorIs(t, err, backpressure.ErrUnknownJob, "first was forgotten at 11s")
		assert.Equal(t, "State(0)", st.State.String(),
			"with ErrUnknownJob, Status should return the zero Status, whose State is no state at all: a client "+
				"that reads it by mistake must not be told its job is %q", st.State)
	})
}

// Exercise 4: twice as much offered as the worker can do.
//
// One worker takes 100ms a job (μ = 10/s); the queue holds 10; a client
// offers a job every 50ms (λ = 20/s) for 10s: 200 offers.

func TestAtTwiceTheCapacityTheQueueTurnsAwayExactlyTheExcess(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		o := overload(t)
		timeline.Keep(t, "twice-the-capacity", o.figures)
		timeline.Keep(t, "twice-the-capacity-window", o.window)

		assert.Equal(t, 90, o.rejected,
			"offers turned away. In the first second the queue grows by one every 100ms (two offers in, one job "+
				"out) and is full at 0.95s. From then on, every 100ms one job leaves and two offers come: one gets "+
				"the free place and one is turned away. 1.05s, 1.15s, … 9.95s: 90 offers. (More than 90: the queue "+
				"holds fewer than its 10 places; only queued jobs hold room, not the one at work)\n%s\n%s", o.figures, o.picture)
		assert.Equal(t, 110, o.accepted, "the other 200 − 90 offers get in\n%s", o.figures)
		assert.Equal(t, 90, o.stats.Rejected, "Stats.Rejected\n%s", o.figures)
		assert.Equal(t, 110, o.stats.Done,
			"by 11s the worker has done all 110: 10 a second for 11s\n%s", o.figures)
		assert.Equal(t, int64(10), o.stats.PeakDepth, "the queue fills up to its 10 places, never more\n%s", o.figures)
		if !t.Failed() {
			t.Logf("twice the load it can take, for 10s:\n%s\nthe first second and a bit:\n%s", o.figures, o.picture)
		}
	})
}

func TestAtTwiceTheCapacityNoJobWaitsLongerThanTheQueueTakesToDrain(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		o := overload(t)
		longest, slowest := slices.Max(o.waits), slices.Max(o.latencies)
		figures := fmt.Sprintf(
			"the longest wait in the queue:      %v (Stats.MaxWait: %v)\n"+
				"the longest from accepted to done:  %v\n"+
				"Q × S ÷ c = 10 places × 100ms ÷ 1 worker = 1s: first in, first out,\n"+
				"a job that joins a full queue waits for the 9 ahead of it and the one\n"+
				"at work, however long the overload lasts, while each takes 100ms.\n"+
				"A queue bounds how many wait; what bounds how long is their work time.\n"+
				"(Little's law is about means: it bounds no single wait.)\n",
			longest, o.stats.MaxWait, slowest)
		timeline.Keep(t, "longest-wait", figures)

		assert.Equal(t, time.Second, longest,
			"the longest any job waited in the queue, as its Work saw it: a full queue of 10 at 100ms a job drains "+
				"in 10 × 100ms = 1s, so that is the longest wait, however long the overload lasts, as long as every job "+
				"takes its 100ms (with the 100ms of "+
				"work, the SRE book's 1.1s)\n%s\n%s", figures, o.picture)
		assert.Equal(t, time.Second, o.stats.MaxWait,
			"Stats.MaxWait should be the longest time a job spent in the queue\n%s", figures)
		assert.Equal(t, 1100*time.Millisecond, slowest,
			"the longest from accepted to done: 1s in the queue and 100ms of work\n%s", figures)
		if !t.Failed() {
			t.Log(figures)
		}
	})
}

func TestLittlesLawHoldsForTheMeasuredQueue(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		o := overload(t)

		// L = λW over the 11s from the first offer until the queue is empty
		// again: L and W are means, λ is the rate of jobs that entered.
		span := o.span.Seconds()
		lambda := float64(o.stats.Accepted) / span                // admitted jobs a second
		offered := float64(o.accepted+o.rejected) / 10            // offers a second, over the 10s of offers
		w := o.stats.Waited.Seconds() / float64(o.stats.Accepted) // the mean wait in the queue
		l := o.depthTime.Seconds() / span                         // the mean depth over time
		row := func(name, expr, value, what string) string {
			return fmt.Sprintf("  %-3s= %-27s= %-9s %s\n", name, expr, value, what)
		}
		equal := "≠ L"
		if o.stats.Waited == o.depthTime {
			equal = "= L"
		}
		figures := fmt.Sprintf("Little's law, L = λW, on what the queue measured over %v:\n", o.span) +
			row("λ", fmt.Sprintf("%d admitted ÷ %v", o.stats.Accepted, o.span), fmt.Sprintf("%.4g/s", lambda),
				"the rate of jobs that entered the queue") +
			row("W", fmt.Sprintf("%.4gs waited ÷ %d jobs", o.stats.Waited.Seconds(), o.stats.Accepted),
				fmt.Sprintf("%.4gs", w), "the mean wait in the queue") +
			row("L", fmt.Sprintf("%.4g job·s ÷ %v", o.depthTime.Seconds(), o.span), fmt.Sprintf("%.4g", l),
				"the mean depth, over time") +
			row("λW", fmt.Sprintf("%.4g/s × %.4gs", lambda, w), fmt.Sprintf("%.4g", lambda*w), equal) +
			fmt.Sprintf("with the offered rate instead, %.4g/s × %.4gs = %.4g ≠ L:\n"+
				"the jobs turned away never entered the queue\n", offered, w, offered*w)
		timeline.Keep(t, "littles-law", figures)
		var sum time.Duration
		for _, w := range o.waits {
			sum += w
		}
		assert.Equal(t, 99500*time.Millisecond, sum,
			"the total wait of the accepted jobs, as their Work saw it: the 20 of the first second waited 0, 50ms, "+
				"… 950ms (9.5s in all), and each of the 90 after it waited 1s (90s)\n%s\n%s", figures, o.picture)
		require.Equal(t, sum, o.stats.Waited,
			"Stats.Waited should add up every job's time in the queue, from accepted to taken by a worker\n%s", figures)

		assert.Equal(t, o.stats.Waited, o.depthTime,
			"Little's law, L = λW, on the measured numbers. Multiplied by the 11s, it says the area under the "+
				"depth curve (Σ depth × time) equals the total wait (Σ each job's wait). If not, Depth goes up or "+
				"down at the wrong moment: it counts the jobs accepted and not yet taken by a worker, exactly the "+
				"ones whose wait Stats.Waited is still counting\n%s", figures)
		if !t.Failed() {
			t.Log(figures)
		}
	})
}

func TestTheWaitOfAJobThatExpiredCountsInStats(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 5, ServiceTime: time.Second}, each(time.Second))
		r.mustOffer(job("first"))                                        // runs from 0s to 1s: waited 0s
		r.mustOffer(until("late", time.Now().Add(500*time.Millisecond))) // taken at 1s, expired: waited 1s
		r.mustOffer(job("next"))                                         // runs from 1s to 2s: waited 1s

		letEverythingFinish()

		st := r.q.Stats()
		require.Equal(t, 1, st.Expired, "late was still queued at its deadline\n%s", r)
		assert.Equal(t, []time.Duration{2 * time.Second, time.Second}, []time.Duration{st.Waited, st.MaxWait},
			"Stats.Waited and Stats.MaxWait. first waited 0s, late 1s (until a worker took it and found it past "+
				"its deadline) and next 1s: 2s in all, 1s at most. A job that expired waited in the queue like the "+
				"others, and Depth counted it all along: leave its wait out and Little's law, L = λW, fails as soon "+
				"as one job expires\n%s", r)
	})
}

// The run of exercise 4, measured.
type measured struct {
	accepted, rejected int
	waits              []time.Duration // each accepted job's time in the queue, as its Work saw it
	latencies          []time.Duration // each accepted job's time from accepted to done
	depthTime          time.Duration   // the area under Stats.Depth over the run: Σ depth × time
	span               time.Duration   // the run: from the first offer until the queue has been empty, 11s
	stats              backpressure.Stats
	picture            string // the first second and a bit
	window             string // the jobs around 1s, when the queue is full
	figures            string // what the run measured, in a few lines
}

func overload(t *testing.T) measured {
	t.Helper()
	const (
		step   = 50 * time.Millisecond // λ = 20/s
		offers = 200                   // 10s
		span   = 11 * time.Second      // the last job accepted starts at 10.9s and ends at 11s
	)
	r := newRig(t, backpressure.Config{Workers: 1, QueueSize: 10, ServiceTime: 100 * time.Millisecond}, each(100*time.Millisecond))
	r.drawOnly = 25
	var m measured
	for i := range int(span / step) {
		synctest.Wait() // the worker takes its next job before the next offer comes
		if i < offers {
			if _, err := r.offer(job(fmt.Sprintf("job-%03d", i+1))); err == nil {
				m.accepted++
			} else {
				require.ErrorIs(t, err, backpressure.ErrQueueFull)
				m.rejected++
			}
		}
		time.Sleep(step / 2)
		// Depth only changes at multiples of 50ms: a sample in between
		// holds for the whole step.
		m.depthTime += time.Duration(r.q.Stats().Depth) * step
		time.Sleep(step / 2)
	}
	synctest.Wait()
	m.span = span
	m.stats = r.q.Stats()
	m.waits, m.latencies = r.waits()
	m.picture = r.String()
	m.window = r.draw(20, 24)
	queued, oldest := r.stillQueued()
	left := ""
	if queued > 0 {
		left = fmt.Sprintf(", the oldest for %v", oldest)
	}
	m.figures = fmt.Sprintf(
		"offered       %4d   one every 50ms for 10s: 20/s, twice what the worker does\n"+
			"turned away   %4d   at once, with ErrQueueFull\n"+
			"accepted      %4d\n"+
			"done by %-4v  %4d   the worker does 10 a second\n"+
			"peak depth    %4d   places taken in the queue\n"+
			"still queued  %4d   at %v%s\n"+
			"longest wait  %4v   in the queue, among the jobs started\n",
		m.accepted+m.rejected, m.rejected, m.accepted, span, m.stats.Done, m.stats.PeakDepth, queued, span, left,
		slices.Max(append([]time.Duration{0}, m.waits...)))
	return m
}

// BenchmarkQueueVersusBareChannel measures jobs per second, in real time,
// through the queue and through the least a queue can be: a buffered
// channel of the same size with the same number of goroutines receiving.
// Both run a job that does nothing, so what is measured is the cost of the
// hand-off. Run it with
//
//	go test -run '^$' -bench . ./lessons/08-backpressure/
func BenchmarkQueueVersusBareChannel(b *testing.B) {
	const workers, size = 4, 64
	nothing := func(_ context.Context, input string) (string, error) { return input, nil }

	channel := jobsPerSecond(b.N, func(n int) {
		jobs := make(chan string, size)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for in := range jobs {
					_, _ = nothing(context.Background(), in)
				}
			})
		}
		for range n {
			jobs <- "job"
		}
		close(jobs)
		wg.Wait()
	})
	queue := jobsPerSecond(b.N, func(n int) {
		q := backpressure.New(nothing, backpressure.Config{Workers: workers, QueueSize: size, ServiceTime: time.Microsecond})
		for range n {
			if _, err := q.SubmitWait(context.Background(), backpressure.Job{Input: "job"}); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := q.Shutdown(context.Background()); err != nil {
			b.Fatal(err)
		}
	})
	b.ReportMetric(channel, "chan-jobs/s")
	b.ReportMetric(queue, "queue-jobs/s")
	b.ReportMetric(queue/channel, "queue/chan")
}

func jobsPerSecond(n int, run func(n int)) float64 {
	start := time.Now()
	run(n)
	return float64(n) / time.Since(start).Seconds()
}

// Helpers.

// letEverythingFinish sleeps past any work a test started (virtual time
// costs nothing), so that every job has ended before the test looks at the
// results, and before the bubble ends.
func letEverythingFinish() {
	time.Sleep(time.Hour)
	synctest.Wait()
}

// at sleeps until d after start, then lets everything that was due at that
// instant happen before the test looks.
func at(start time.Time, d time.Duration) {
	time.Sleep(time.Until(start.Add(d)))
	synctest.Wait()
}

func job(name string) backpressure.Job { return backpressure.Job{Input: name} }

func costing(name string, cost int64) backpressure.Job {
	return backpressure.Job{Input: name, Cost: cost}
}

func until(name string, deadline time.Time) backpressure.Job {
	return backpressure.Job{Input: name, Deadline: deadline}
}

// each makes every job take d.
func each(d time.Duration) func(string) time.Duration {
	return func(string) time.Duration { return d }
}

// byCost makes a job named big… take 4 units of time, the others 1.
func byCost(unit time.Duration) func(string) time.Duration {
	return func(name string) time.Duration {
		if strings.HasPrefix(name, "big") {
			return 4 * unit
		}
		return unit
	}
}

// commitTime is how long a job named commit-… takes, once its context has
// ended, to finish the write it is in the middle of.
const commitTime = 200 * time.Millisecond

// oneProcessor makes the goroutines of the test take turns on a single
// processor until the returned function is called. A goroutine that wakes
// another then runs on until it blocks, so an interleaving that several
// processors produce only now and then happens on every run. Call it
// outside the bubble: defer oneProcessor()().
func oneProcessor() (restore func()) {
	before := runtime.GOMAXPROCS(1)
	return func() { runtime.GOMAXPROCS(before) }
}

// A rig is a queue whose work sleeps (on virtual time) for as long as took
// says, fails for jobs named fail-…, ignores its context for jobs named
// deaf-…, commits and succeeds 200ms after its context ends for jobs named
// commit-…, and writes down when each job was offered, admitted, started
// and ended, to draw them.
type rig struct {
	t        *testing.T
	q        *backpressure.Queue
	start    time.Time
	took     func(name string) time.Duration
	drawOnly int // draw only the first jobs offered; 0: all

	mu       sync.Mutex
	jobs     map[string]*trace
	order    []*trace
	runs     []string
	gaveUpAt time.Time // when a Shutdown that gave up returned
}

// trace is one job's life, as the test saw it.
type trace struct {
	name                 string
	id                   backpressure.JobID
	offered, admitted    time.Time
	started, ended       time.Time
	waitedForRoom, gotIn bool
	turnedAway           bool
}

// newRig starts a queue inside the bubble. When the test ends, it lets all
// work finish and shuts the queue down, so no worker is left behind.
func newRig(t *testing.T, cfg backpressure.Config, took func(string) time.Duration) *rig {
	r := &rig{t: t, start: time.Now(), took: took, jobs: map[string]*trace{}}
	r.q = backpressure.New(r.work, cfg)
	t.Cleanup(func() {
		letEverythingFinish()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if _, err := r.q.Shutdown(ctx); err != nil {
			t.Errorf("Shutdown, after every job had an hour to finish: %v", err)
		}
	})
	return r
}

func (r *rig) work(ctx context.Context, name string) (string, error) {
	r.mu.Lock()
	tr := r.trace(name)
	tr.started = time.Now()
	r.runs = append(r.runs, name)
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		tr.ended = time.Now()
		r.mu.Unlock()
	}()

	timer := time.NewTimer(r.took(name))
	defer timer.Stop()
	done := ctx.Done()
	if strings.HasPrefix(name, "deaf-") {
		done = nil // it never looks at its context
	}
	select {
	case <-timer.C:
	case <-done:
		if strings.HasPrefix(name, "commit-") {
			time.Sleep(commitTime) // in the middle of a write: it commits it
			return "committed " + name, nil
		}
		return "", ctx.Err()
	}
	if strings.HasPrefix(name, "fail-") {
		return "", fmt.Errorf("%s: it failed", name)
	}
	return "result of " + name, nil
}

// trace returns the trace of the job called name; r.mu must be held.
func (r *rig) trace(name string) *trace {
	tr, ok := r.jobs[name]
	if !ok {
		tr = &trace{name: name}
		r.jobs[name] = tr
		r.order = append(r.order, tr)
	}
	return tr
}

// offer calls Submit and insists that it answers at once: it lets
// everything due at this instant happen, and fails the test if Submit is
// still waiting then.
func (r *rig) offer(j backpressure.Job) (backpressure.JobID, error) {
	r.t.Helper()
	r.mu.Lock()
	r.trace(j.Input).offered = time.Now()
	r.mu.Unlock()
	type answer struct {
		id  backpressure.JobID
		err error
	}
	c := make(chan answer, 1)
	go func() {
		var a answer
		defer func() {
			if v := recover(); v != nil {
				a.err = fmt.Errorf("%w: %v", errPanicked, v)
			}
			r.admit(j.Input, a.id, a.err)
			c <- a
		}()
		a.id, a.err = r.q.Submit(j)
	}()
	synctest.Wait()
	select {
	case a := <-c:
		if errors.Is(a.err, errPanicked) {
			r.t.Fatalf("Submit(%q) panicked (%v)\n%s", j.Input, a.err, r)
		}
		return a.id, a.err
	default:
		r.t.Fatalf("Submit(%q) is still waiting for room. Submit should answer at once: accepted, or turned away "+
			"with ErrQueueFull; a caller who is willing to wait calls SubmitWait\n%s", j.Input, r)
		return "", nil
	}
}

// mustOffer offers a job that should be accepted.
func (r *rig) mustOffer(j backpressure.Job) backpressure.JobID {
	r.t.Helper()
	id, err := r.offer(j)
	var full *backpressure.QueueFullError
	if errors.As(err, &full) && full.Depth+full.Cost <= full.Size {
		r.t.Fatalf("%s was turned away (%v), yet the jobs waiting in the queue hold only %d of its %d units, so "+
			"the %d it needs should be free. Only queued jobs hold room: a job gives its room back the moment a "+
			"worker takes it off the queue (in take), not when its work ends, since a running job no longer "+
			"waits in the queue. (Or Depth is not counted where the room is taken.)\n%s",
			j.Input, err, full.Depth, full.Size, full.Cost, r)
	}
	require.NoError(r.t, err, "%s should be accepted: the queue has room for it\n%s", j.Input, r)
	return id
}

// An admission is what a client of SubmitWait got, and how long it waited.
type admission struct {
	name   string
	id     backpressure.JobID
	err    error
	waited time.Duration
}

// goWait starts a client that calls SubmitWait; its answer arrives on the
// channel returned.
func (r *rig) goWait(ctx context.Context, j backpressure.Job) <-chan admission {
	r.mu.Lock()
	tr := r.trace(j.Input)
	tr.offered, tr.waitedForRoom = time.Now(), true
	r.mu.Unlock()
	out := make(chan admission, 1)
	go func() {
		start := time.Now()
		a := admission{name: j.Input}
		defer func() {
			if v := recover(); v != nil {
				a.err = fmt.Errorf("SubmitWait(%q) %w: %v", j.Input, errPanicked, v)
			}
			a.waited = time.Since(start)
			r.admit(j.Input, a.id, a.err)
			out <- a
		}()
		a.id, a.err = r.q.SubmitWait(ctx, j)
	}()
	return out
}

// errPanicked marks a call into the queue that panicked; the test reports
// it instead of crashing.
var errPanicked = errors.New("panicked")

// A shutdown is what one Shutdown call returned, and how long it took.
type shutdown struct {
	report backpressure.Report
	err    error
	waited time.Duration
}

// goShutdown calls Shutdown in a goroutine of its own; the answer arrives
// on the channel returned.
func (r *rig) goShutdown(ctx context.Context) <-chan shutdown {
	out := make(chan shutdown, 1)
	go func() {
		start := time.Now()
		var s shutdown
		defer func() {
			if v := recover(); v != nil {
				s.err = fmt.Errorf("Shutdown %w: %v", errPanicked, v)
			}
			s.waited = time.Since(start)
			if s.err != nil {
				r.mu.Lock()
				r.gaveUpAt = time.Now()
				r.mu.Unlock()
			}
			out <- s
		}()
		s.report, s.err = r.q.Shutdown(ctx)
	}()
	return out
}

// awaitShutdown waits for Shutdown to return, for at most patience.
func (r *rig) awaitShutdown(t *testing.T, c <-chan shutdown) shutdown {
	t.Helper()
	select {
	case s := <-c:
		if errors.Is(s.err, errPanicked) {
			t.Fatalf("%v\n%s", s.err, r)
		}
		return s
	case <-time.After(patience):
		t.Fatalf("Shutdown was still waiting after %v, for jobs that take seconds\n%s", patience, r)
	}
	panic("unreachable")
}

func (r *rig) admit(name string, id backpressure.JobID, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	tr := r.trace(name)
	tr.admitted, tr.id = time.Now(), id
	tr.gotIn, tr.turnedAway = err == nil, err != nil
}

// patience is how much virtual time a test waits for its clients before it
// calls them stuck. It costs nothing.
const patience = 10 * time.Minute

// await returns the clients' answers in the order given, or fails the test
// if one is still waiting after patience.
func (r *rig) await(t *testing.T, pending ...<-chan admission) []admission {
	t.Helper()
	giveUp := time.After(patience)
	var got []admission
	for _, c := range pending {
		select {
		case a := <-c:
			if errors.Is(a.err, errPanicked) {
				t.Fatalf("%v\n%s", a.err, r)
			}
			got = append(got, a)
		case <-giveUp:
			t.Fatalf("after %v, %d of %d clients of SubmitWait were still waiting; their jobs should have got "+
				"in, or they should have given up when their context ended\n%s", patience, len(pending)-len(got), len(pending), r)
		}
	}
	return got
}

// ran lists the jobs the workers started, in order.
func (r *rig) ran() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.runs)
}

// startedAt is when the job called name started, from the rig's start.
func (r *rig) startedAt(name string) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	tr, ok := r.jobs[name]
	if !ok || tr.started.IsZero() {
		return -1
	}
	return tr.started.Sub(r.start)
}

// endedAt is when the work of the job called name ended, from the rig's
// start; -1 if it never did.
func (r *rig) endedAt(name string) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	tr, ok := r.jobs[name]
	if !ok || tr.ended.IsZero() {
		return -1
	}
	return tr.ended.Sub(r.start)
}

// states tells each job's state in a word, "forgotten" when Status answers
// ErrUnknownJob.
func (r *rig) states(ids []backpressure.JobID) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		st, err := r.q.Status(id)
		switch {
		case errors.Is(err, backpressure.ErrUnknownJob):
			out = append(out, "forgotten")
		case err != nil:
			out = append(out, err.Error())
		default:
			out = append(out, st.State.String())
		}
	}
	return out
}

// stillQueued counts the accepted jobs that have not started, and says how
// long the oldest of them has waited.
func (r *rig) stillQueued() (n int, oldest time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, tr := range r.order {
		if tr.gotIn && tr.started.IsZero() {
			n++
			oldest = max(oldest, time.Since(tr.admitted))
		}
	}
	return n, oldest
}

// waits lists, for every job started, its time in the queue, and for every
// job ended, its time from admitted to ended.
func (r *rig) waits() (queued, total []time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, tr := range r.order {
		if tr.gotIn && !tr.started.IsZero() {
			queued = append(queued, tr.started.Sub(tr.admitted))
		}
		if tr.gotIn && !tr.ended.IsZero() {
			total = append(total, tr.ended.Sub(tr.admitted))
		}
	}
	return queued, total
}

// String draws the jobs' waiting: for room, in the queue, and at work.
func (r *rig) String() string {
	if r.drawOnly > 0 {
		return r.draw(1, r.drawOnly)
	}
	return r.draw(1, 0)
}

// draw draws the waiting of the jobs offered from the from-th to the to-th
// (counting from 1; 0: to the last).
func (r *rig) draw(from, to int) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	gaveUpAt := r.gaveUpAt
	var spans []timeline.Span
	for i, tr := range r.order {
		if i+1 < from {
			continue
		}
		if to > 0 && i+1 > to {
			break
		}
		switch {
		case tr.waitedForRoom && !tr.admitted.Equal(tr.offered):
			spans = append(spans, timeline.Span{Who: tr.name + " waits for room", Start: tr.offered, End: tr.admitted})
		case tr.turnedAway:
			spans = append(spans, timeline.Span{Who: tr.name + " turned away", Start: tr.offered, End: tr.offered})
		}
		if !tr.gotIn {
			continue
		}
		switch {
		case !tr.started.IsZero():
			if tr.started.After(tr.admitted) {
				spans = append(spans, timeline.Span{Who: tr.name + " queued", Start: tr.admitted, End: tr.started})
			}
			spans = append(spans, timeline.Span{Who: tr.name + " working", Start: tr.started, End: tr.ended})
		default:
			st, _ := r.q.Status(tr.id)
			switch {
			case st.State == backpressure.Accepted:
				spans = append(spans, timeline.Span{Who: tr.name + " queued", Start: tr.admitted})
			case st.State == backpressure.Unfinished && !gaveUpAt.IsZero():
				spans = append(spans, timeline.Span{Who: tr.name + " queued, never run", Start: tr.admitted, End: gaveUpAt})
			default:
				spans = append(spans, timeline.Span{Who: tr.name + " queued, " + st.State.String(), Start: tr.admitted, End: tr.admitted})
			}
		}
	}
	return timeline.Render(r.start, time.Now(), spans)
}
