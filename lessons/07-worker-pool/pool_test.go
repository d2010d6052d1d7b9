package pool_test

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

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	pool "github.com/wherewaiting/workshop/lessons/07-worker-pool"
)

// Exercise 1: N workers.

func TestTenWorkersFinishAHundredOneSecondJobsInTenSeconds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 10, QueueSize: 100}, backend.Latency(time.Second))
		defer r.finish()
		inputs := jobs(100)
		ids := r.submitAll(inputs)

		r.waitForWork(len(inputs))

		last, peak := r.lastFinish(), r.db.PeakInFlight()
		figures := fmt.Sprintf("100 jobs of 1s, 10 workers: the last one done at %v, at most %d at the database at once\n%s\n",
			last, peak, r.rounds())
		timeline.Keep(t, "hundred-jobs-ten-workers", figures)
		assert.Equal(t, 10*time.Second, last,
			"the last of 100 one-second jobs finished at %v; 10 workers should do them ten at a time, "+
				"all done at 100/10 × 1s = 10s. Start cfg.Workers goroutines in New, each taking jobs from the queue.\n%s",
			last, figures)
		assert.Equal(t, 10, peak,
			"at most %d jobs were at the database at once; with 10 workers it should be exactly 10, never more: "+
				"the workers, not the number of jobs, bound the load. A goroutine per job, with nothing to limit "+
				"them, would send all 100 at once.\n%s",
			peak, figures)
		assert.Equal(t, repeat("done", 100), r.states(ids), "every job should be done once its Work has returned")
		st, err := r.pool.Status(ids[41])
		require.NoError(t, err)
		assert.Equal(t, "database: job 42", st.Result, "a done job's Status carries what its Work returned")
		if !t.Failed() {
			t.Log(figures)
		}
	})
}

func TestJobsBeyondTheWorkersWaitInTheQueueForTheirTurn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 3, QueueSize: 10}, backend.Latency(time.Second))
		defer r.finish()
		inputs := jobs(7)
		ids := r.submitAll(inputs)

		r.at(1500 * time.Millisecond)
		assert.Equal(t, []string{"done", "done", "done", "running", "running", "running", "accepted"}, r.states(ids),
			"at 1.5s, with 3 workers and 7 one-second jobs: jobs 1–3 ran from 0s to 1s, jobs 4–6 run from 1s to 2s, "+
				"and job 7 still waits in the queue for a free worker\n%s", r.picture())

		r.waitForWork(len(inputs))
		picture := r.picture()
		timeline.Keep(t, "seven-jobs-three-workers", picture)
		assert.Equal(t, []string{"0s", "0s", "0s", "1s", "1s", "1s", "2s"}, r.queueWaits(inputs),
			"how long each job waited in the queue: with 3 workers, the nth job waits ⌈n/3⌉−1 rounds of 1s "+
				"(job 7 waits 2s), not for every job before it\n%s", picture)
		if !t.Failed() {
			t.Logf("seven 1s jobs, three workers: job n waits ⌈n/3⌉−1 rounds in the queue\n%s", picture)
		}
	})
}

func TestWithNoQueueSubmitWaitsForAFreeWorker(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// QueueSize 0: no queue at all. A job is accepted only when a worker
		// takes it from Submit's hands.
		r := newRig(t, pool.Config{Workers: 1, QueueSize: 0}, backend.Latency(5*time.Second))
		defer r.finish()
		r.submitAll([]string{"job 1"}) // the one worker takes it at once

		got := r.submit("job 2")
		require.NoError(t, got.err, "Submit(\"job 2\") should wait for the worker, then be accepted\n%s", r.picture())
		assert.Equal(t, 5*time.Second, got.waited,
			"Submit(\"job 2\") waited %v. With QueueSize 0 there is no queue: a job is accepted only when a worker "+
				"takes it, so Submit waits until the one worker is done with job 1, at 5s. A queue of 1 instead "+
				"would accept it at once, to wait out of sight: make the channel with cfg.QueueSize as it is, 0 "+
				"included (an unbuffered send waits for a receiver, it does not deadlock while a worker receives)\n%s",
			got.waited, r.picture())
	})
}

// Exercise 2: graceful shutdown.

func TestShutdownReturnsTheMomentTheLastAcceptedJobIsDone(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 10}, backend.Latency(time.Second))
		defer r.finish()
		ids := r.submitAll([]string{"job 1", "job 2", "job 3 fails", "job 4", "job 5"})
		synctest.Wait() // job 1 is at the backend before the shutdown begins, whatever the scheduler does

		got := r.shutdown(t.Context())
		picture := r.picture()
		timeline.Keep(t, "shutdown-drains", picture)

		assert.Equal(t, 3*time.Second, got.waited,
			"Shutdown returned after %v. It should wait for every accepted job, running or queued: 5 jobs of 1s on "+
				"2 workers end at ⌈5/2⌉ × 1s = 3s, and Shutdown should return at that moment, not before and not after\n%s",
			got.waited, picture)
		require.NoError(t, got.err, "with no deadline, Shutdown waits for everything and returns nil")
		assert.Equal(t, 4, got.report.Done, "4 jobs succeeded; the report should count them")
		assert.Equal(t, 1, got.report.Failed, "job 3 failed; the report should count it")
		assert.Empty(t, got.report.Unfinished, "with no deadline, every job finishes: none is unfinished")
		assert.Equal(t, []string{"done", "done", "failed", "done", "done"}, r.states(ids),
			"queued jobs must not be dropped at Shutdown: every accepted job runs\n%s", picture)
		st, err := r.pool.Status(ids[2])
		require.NoError(t, err)
		assert.ErrorIs(t, st.Err, errBroken, "a failed job's Status carries the error its Work returned")
		if !t.Failed() {
			t.Logf("Shutdown waited for every accepted job and returned with the last one, at %v: %+v\n%s",
				got.waited, got.report, picture)
		}
	})
}

func TestSubmitAfterShutdownBeganIsRefusedAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 10}, backend.Latency(5*time.Second))
		defer r.finish()
		r.submitAll([]string{"job 1"})
		stopping := r.goShutdown(t.Context())

		r.at(time.Second) // Shutdown is waiting for job 1
		late := r.submit("late job")
		require.ErrorIs(t, late.err, pool.ErrClosed,
			"Submit at 1s, while Shutdown waits for job 1, should be refused with ErrClosed: intake stops "+
				"when Shutdown begins\n%s", r.picture())
		assert.Zero(t, late.waited, "a refused Submit should not wait at all; it waited %v", late.waited)

		r.awaitShutdown(stopping)
		after := r.submit("after job")
		assert.ErrorIs(t, after.err, pool.ErrClosed, "Submit after Shutdown returned should be refused with ErrClosed")
		assert.Zero(t, after.waited, "a refused Submit should not wait at all; it waited %v", after.waited)
		r.at(time.Minute)
		assert.Equal(t, 1, r.db.Calls(), "only job 1 was accepted; a refused job must never run\n%s", r.picture())
	})
}

func TestASubmitWaitingForRoomIsRefusedWhenShutdownBegins(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 1, QueueSize: 1}, backend.Latency(10*time.Second))
		defer r.finish()
		r.submitAll([]string{"job 1", "job 2"}) // job 1 runs, job 2 fills the queue
		waiting := r.goSubmit("job 3")
		r.at(2 * time.Second)
		select {
		case s := <-waiting:
			require.Failf(t, "Submit should wait for room",
				"with the one worker busy until 10s and the queue of 1 full, Submit(\"job 3\") should wait for room; "+
					"it returned after %v with id %q, err %v\n%s", s.waited, s.id, s.err, r.picture())
		default:
		}

		stopping := r.goShutdown(t.Context())
		got := r.await(waiting)

		require.ErrorIs(t, got.err, pool.ErrClosed,
			"job 3 was waiting for room when Shutdown began at 2s: its Submit should give up with ErrClosed\n%s",
			r.picture())
		assert.Equal(t, 2*time.Second, got.waited,
			"Submit(\"job 3\") waited %v; it should stop waiting the moment Shutdown begins, at 2s, not when the "+
				"queue has room again at 10s. Select on the send and on a channel that Shutdown closes\n%s",
			got.waited, r.picture())
		done := r.awaitShutdown(stopping)
		assert.Equal(t, 2, done.report.Done, "jobs 1 and 2 were accepted and should both be done\n%s", r.picture())
		assert.Equal(t, 2, r.db.Calls(), "job 3 was refused; it must never run\n%s", r.picture())
	})
}

func TestSubmitsRacingShutdownAreEitherAcceptedAndDoneOrRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const submitters = 40
		r := newRig(t, pool.Config{Workers: 3, QueueSize: 2}, backend.Latency(100*time.Millisecond))
		defer r.finish()

		// Five submitters every 50ms, from 0s to 350ms; Shutdown begins at
		// 200ms, the very instant five of them call Submit, while others
		// wait for room in the full queue.
		var mu sync.Mutex
		var got []submission
		var wg sync.WaitGroup
		for i := range submitters {
			wg.Go(func() {
				time.Sleep(time.Duration(i%8) * 50 * time.Millisecond)
				s := <-r.goSubmit(fmt.Sprintf("job %d", i+1))
				mu.Lock()
				got = append(got, s)
				mu.Unlock()
			})
		}
		time.Sleep(200 * time.Millisecond) // no synctest.Wait: Shutdown races the submitters
		stopped := r.awaitShutdown(r.goShutdown(t.Context()))
		wg.Wait()

		var accepted []pool.JobID
		var refused int
		var wrong []string
		for _, s := range got {
			switch {
			case s.err == nil:
				accepted = append(accepted, s.id)
			case errors.Is(s.err, pool.ErrClosed):
				refused++
			default:
				wrong = append(wrong, s.err.Error())
			}
		}
		if len(wrong) > 0 {
			t.Errorf("%d of %d Submits got neither an ID nor ErrClosed; the first: %s.\nWhatever the interleaving "+
				"with Shutdown, every Submit should either be accepted or refused. A send on a closed channel "+
				"panics: never close the queue while a Submit may still send on it", len(wrong), submitters, wrong[0])
		}
		require.NoError(t, stopped.err, "with no deadline, Shutdown waits for everything and returns nil")
		require.Len(t, got, submitters)
		assert.Equal(t, len(accepted), len(slices.Compact(slices.Sorted(slices.Values(accepted)))),
			"every accepted job should get an ID of its own")
		assert.Equal(t, repeat("done", len(accepted)), r.states(accepted),
			"every accepted job should be done when Shutdown returns: %d accepted, %d refused", len(accepted), refused)
		assert.Equal(t, len(accepted), stopped.report.Done,
			"the report should count every accepted job as done: accepted = done + failed + unfinished")
		assert.Equal(t, len(accepted), r.db.Calls(),
			"every accepted job, and only those, should reach the database once: %d accepted, %d calls",
			len(accepted), r.db.Calls())
		assert.GreaterOrEqual(t, len(accepted), 5,
			"the 5 Submits at 0s find room (3 workers and a queue of 2) long before Shutdown and must be accepted")
		assert.GreaterOrEqual(t, refused, 15,
			"the 15 Submits that began after Shutdown (at 250ms, 300ms and 350ms) must be refused, and the ones "+
				"waiting for room at 200ms too")
	})
}

func TestARefusedSubmitLeavesNoStatusBehind(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 1, QueueSize: 1}, backend.Latency(10*time.Second))
		defer r.finish()
		r.submitAll([]string{"job 1", "job 2"}) // job 1 runs, job 2 fills the queue
		waiting := r.goSubmit("job 3")
		r.at(2 * time.Second)

		stopping := r.goShutdown(t.Context())
		refused := r.await(waiting)
		require.ErrorIs(t, refused.err, pool.ErrClosed,
			"job 3 was waiting for room when Shutdown began: its Submit should give up with ErrClosed\n%s", r.picture())
		done := r.awaitShutdown(stopping)

		assert.Equal(t, 2, r.pool.Tracked(),
			"when Shutdown returned, the pool held %d statuses. Jobs 1 and 2 were accepted and are done; job 3 was "+
				"refused, never accepted, and nobody has its ID. A status left behind for it stays \"accepted\" for "+
				"ever: no worker will end it, so its retention never starts. When Submit gives up, take the job out "+
				"of the map it was put in before the send\n%s", r.pool.Tracked(), r.picture())
		assert.Equal(t, 2, done.report.Done, "the report counts jobs 1 and 2, the jobs accepted\n%s", r.picture())
		assert.Empty(t, done.report.Unfinished, "nothing accepted was left unfinished\n%s", r.picture())
	})
}

func TestStatusKnowsAJobFromTheMomentAWorkerCanTakeIt(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer oneProcessor()() // the worker runs on after it takes a job, as it often does
	synctest.Test(t, func(t *testing.T) {
		// No queue at all: each Submit waits until the one worker takes the
		// job from its hands, and the worker starts it at once.
		r := newRig(t, pool.Config{Workers: 1, QueueSize: 0}, backend.Latency(time.Second))
		defer r.finish()
		seen := make(chan string, 10)
		r.onWork = func(input string) {
			seen <- fmt.Sprintf("%s started: the pool tracked %d", input, r.pool.Tracked())
		}

		var got []string
		for _, in := range jobs(3) {
			answer := r.goSubmit(in)
			select {
			case s := <-seen:
				got = append(got, s)
			case <-time.After(patience):
				t.Fatalf("%s was never started\n%s", in, r.picture())
			}
			s := r.await(answer)
			require.NoError(t, s.err, "Submit(%q): before Shutdown, every job should be accepted\n%s", in, r.picture())
		}

		assert.Equal(t, []string{
			"job 1 started: the pool tracked 1",
			"job 2 started: the pool tracked 2",
			"job 3 started: the pool tracked 3",
		}, got,
			"how many statuses the pool held (Tracked) at the moment each job's Work started, one job at a time: the "+
				"jobs done before it, and the job itself. A job the pool does not track while it runs is a job whose "+
				"Status says \"unknown\", and whose retention may be over before it is even recorded. The moment a "+
				"job is in the queue a worker may take it: record it in the map before the send, under the lock "+
				"(and take it out again if Submit returns ErrClosed)\n%s", r.picture())
	})
}

// Exercise 3: the deadline.

func TestShutdownGivesUpExactlyAtItsDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 10}, backend.Latency(5*time.Second))
		defer r.finish()
		r.submitAll(jobs(5))
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()

		got := r.shutdown(ctx)
		synctest.Wait() // the cancelled jobs' Work returns
		picture := fmt.Sprintf("Shutdown(ctx with 3s) returned after %v: %v\nunfinished: %v\n\n%s",
			got.waited, got.err, got.report.Unfinished, r.picture())
		timeline.Keep(t, "shutdown-gives-up", picture)

		assert.Equal(t, 3*time.Second, got.waited,
			"Shutdown returned after %v; its caller gave it 3s, so it should give up at exactly 3s, not wait "+
				"for 5 jobs of 5s on 2 workers (15s). Select on the workers being done and on ctx.Done()\n%s",
			got.waited, picture)
		assert.ErrorIs(t, got.err, context.DeadlineExceeded,
			"a Shutdown that ran out of time should return ctx.Err(), here context.DeadlineExceeded; got %v", got.err)
		if !t.Failed() {
			t.Logf("5 jobs of 5s on 2 workers; Shutdown gave up at its 3s deadline with %d unfinished:\n%s",
				len(got.report.Unfinished), picture)
		}
	})
}

func TestShutdownReportsTheJobsItGaveUpOnAndCancelsTheRunningOnes(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 10}, backend.Latency(5*time.Second))
		defer r.finish()
		ids := r.submitAll(jobs(5))
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()

		got := r.shutdown(ctx)
		synctest.Wait()

		assert.Equal(t, ids, got.report.Unfinished,
			"at 3s jobs 1 and 2 were running and jobs 3–5 queued; the report should name all 5 as unfinished, "+
				"in the order they were accepted. A job that is neither done, failed nor reported is lost\n%s", r.picture())
		stats := r.db.Stats()
		assert.Equal(t, 2, stats.GaveUp,
			"the 2 running jobs should be cancelled at the deadline through their Work's ctx, so the database "+
				"stops working for nobody; %d of them were\n%s", stats.GaveUp, r.picture())
		r.at(time.Minute)
		assert.Equal(t, 2, r.db.Calls(),
			"the 3 queued jobs were given up on at 3s and must never start afterwards, not even with a cancelled "+
				"ctx; the database saw %d calls, want 2\n%s", r.db.Calls(), r.picture())
		assert.Equal(t, repeat("unfinished", 5), r.states(ids), "every job Shutdown gave up on should be unfinished")
		if !t.Failed() {
			t.Logf("the report: %+v; the database cancelled %d running calls and saw no other\n%s",
				got.report, stats.GaveUp, r.picture())
		}
	})
}

func TestEveryAcceptedJobEndsDoneFailedOrUnfinished(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Calls 1 and 2 (jobs 1 and 2) take 1s, calls 3 and 4 (jobs 3 and
		// 4) take 5s, the rest 1s.
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 10}, backend.LatencyFunc(func(n int) time.Duration {
			if n == 3 || n == 4 {
				return 5 * time.Second
			}
			return time.Second
		}))
		defer r.finish()
		ids := r.submitAll([]string{"job 1", "job 2 fails", "job 3", "job 4", "job 5", "job 6"})
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()

		got := r.shutdown(ctx)

		require.ErrorIs(t, got.err, context.DeadlineExceeded, "Shutdown should give up at its 3s deadline\n%s", r.picture())
		assert.Equal(t, 1, got.report.Done, "job 1 was done at 1s\n%s", r.picture())
		assert.Equal(t, 1, got.report.Failed, "job 2 failed at 1s\n%s", r.picture())
		assert.Equal(t, ids[2:], got.report.Unfinished,
			"jobs 3 and 4 were still running at 3s and jobs 5 and 6 still queued: all four are unfinished\n%s",
			r.picture())
		assert.Equal(t, len(ids), got.report.Done+got.report.Failed+len(got.report.Unfinished),
			"accepted = done + failed + unfinished: %d jobs were accepted, the report accounts for %d+%d+%d",
			len(ids), got.report.Done, got.report.Failed, len(got.report.Unfinished))

		r.at(time.Minute) // the cancelled jobs' Work has returned (with an error) long ago
		assert.Equal(t, []string{"done", "failed", "unfinished", "unfinished", "unfinished", "unfinished"},
			r.states(ids),
			"after everything settled, each job's Status should agree with the report: a job cancelled at the "+
				"deadline stays unfinished when its Work returns the cancellation error (it did not fail: we gave up "+
				"on it), and a queued job never starts\n%s", r.picture())
	})
}

func TestShutdownWithNothingLeftReturnsNilEvenIfItsContextHasEnded(t *testing.T) {
	defer goleak.VerifyNone(t)
	defer oneProcessor()() // Shutdown runs on after it closes the queue, as it often does
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 10}, backend.Latency(time.Second))
		defer r.finish()
		r.submitAll([]string{"job 1", "job 2"})
		r.waitForWork(2) // both done at 1s: the pool is idle
		ctx, cancel := context.WithCancel(t.Context())
		cancel() // the operator's context has ended already

		got := r.shutdown(ctx)

		assert.NoError(t, got.err,
			"both jobs were done at 1s and nothing was left when Shutdown began: it gave up on nothing, so it "+
				"should return nil, whatever its context says (report: %+v). A select picks at random among the "+
				"cases that are ready, and the workers of an idle pool return only just after the queue is closed: "+
				"let the error say that something was left unfinished, not which case won\n%s",
			got.report, r.picture())
		assert.Empty(t, got.report.Unfinished, "nothing was left unfinished")
		assert.Equal(t, 2, got.report.Done, "the report counts the 2 jobs done")
		assert.Zero(t, got.waited, "with nothing left to wait for, Shutdown should return at once; it took %v", got.waited)
	})
}

func TestAJobThatFinishesWithinTheGraceIsReportedDone(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// job 1 is in the middle of a 5s write when Shutdown gives up at
		// 3s: cancelled, it takes 200ms to commit, and returns its result.
		r := newRig(t, pool.Config{Workers: 1, QueueSize: 10, Grace: time.Second}, backend.Latency(5*time.Second))
		defer r.finish()
		ids := r.submitAll([]string{"job 1 commits", "job 2"})
		synctest.Wait() // job 1 is at the backend before the shutdown begins, whatever the scheduler does
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()

		got := r.shutdown(ctx)
		picture := fmt.Sprintf("Shutdown(ctx with 3s, Grace 1s) returned after %v: %v\ndone: %d, unfinished: %v\n\n%s",
			got.waited, got.err, got.report.Done, got.report.Unfinished, r.picture())
		timeline.Keep(t, "shutdown-grace", picture)

		assert.Equal(t, 3*time.Second+commitTime, got.waited,
			"Shutdown returned after %v. At 3s its context ended: it should cancel job 1 and then wait, up to the "+
				"1s grace, for its Work to return, so that the report says how job 1 really ended. Job 1 committed "+
				"its write and returned at 3.2s, the last Work to return: Shutdown should return then, not at 3s "+
				"(it would report a job that did its work as unfinished) and not at 4s (nothing is left to wait "+
				"for)\n%s", got.waited, picture)
		require.ErrorIs(t, got.err, context.DeadlineExceeded,
			"job 2 never started: something was left, so Shutdown returns ctx.Err()\n%s", picture)
		assert.Equal(t, 1, got.report.Done,
			"job 1's Work returned its result within the grace: the report should count it done\n%s", picture)
		assert.Equal(t, ids[1:], got.report.Unfinished,
			"only job 2, queued when Shutdown gave up and never started, is unfinished\n%s", picture)
		r.at(time.Minute)
		assert.Equal(t, []string{"done", "unfinished"}, r.states(ids),
			"each job's Status agrees with the report: job 1 done, job 2 unfinished\n%s", picture)
		assert.Equal(t, 1, r.db.Calls(), "job 2 must never start after Shutdown gave up\n%s", picture)
		if !t.Failed() {
			t.Logf("cancelled at 3s, job 1 committed within the grace and is reported done:\n%s", picture)
		}
	})
}

func TestShutdownWaitsForCancelledWorkNoLongerThanTheGrace(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// job 1's database call takes 10s and never looks at its context.
		// The Config sets no Grace: the default, 1s.
		r := newRig(t, pool.Config{Workers: 1, QueueSize: 10}, backend.Latency(10*time.Second))
		defer r.finish()
		ids := r.submitAll([]string{"job 1 ignores its context", "job 2"})
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()

		got := r.shutdown(ctx)

		assert.Equal(t, 4*time.Second, got.waited,
			"Shutdown returned after %v. Its context ended at 3s; it cancelled job 1, whose Work goes on regardless "+
				"until 10s. The grace bounds the wait for it (the Config sets none: DefaultGrace, 1s): Shutdown should "+
				"return at exactly 3s + 1s = 4s, not sooner (the cancelled jobs get their grace) and not later (the "+
				"process has to stop in time)\n%s",
			got.waited, r.picture())
		require.ErrorIs(t, got.err, context.DeadlineExceeded, "jobs were left unfinished\n%s", r.picture())
		assert.Equal(t, ids, got.report.Unfinished,
			"job 1 did not return within the grace, and job 2 never started: both are unfinished\n%s", r.picture())
		r.at(time.Minute)
		assert.Equal(t, []string{"unfinished", "unfinished"}, r.states(ids),
			"job 1's Work returned at 10s, after the report was given: its status stays unfinished, as reported. "+
				"(Its side effect may well have happened: that is why resubmitting needs idempotency)\n%s", r.picture())
	})
}

func TestAJobThatHitsItsTimeoutFailsAndItsWorkerGoesOn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// job 1's database call would take an hour; job 2's takes 1s. Each
		// job may work 3s.
		r := newRig(t, pool.Config{Workers: 1, QueueSize: 10, Timeout: 3 * time.Second},
			backend.LatencyFunc(func(n int) time.Duration {
				if n == 1 {
					return time.Hour
				}
				return time.Second
			}))
		defer r.finish()
		ids := r.submitAll([]string{"job 1", "job 2"})

		var got []string
		for _, d := range []time.Duration{3*time.Second - time.Nanosecond, 3 * time.Second, 4 * time.Second} {
			r.at(d)
			got = append(got, fmt.Sprintf("at %v: %s", d, strings.Join(r.states(ids), ", ")))
		}
		assert.Equal(t, []string{
			"at 2.999999999s: running, accepted",
			"at 3s: failed, running",
			"at 4s: failed, done",
		}, got,
			"two deadlines bound a job's work: its own Timeout (3s here, counted from when it starts) and "+
				"Shutdown's. Job 1's database call would take an hour: it should be stopped at 3s and failed, and its "+
				"worker should take job 2 at once. When you give the work a context Shutdown can cancel, make it the "+
				"parent of the timeout, and keep the timeout\n%s", r.picture())
		st, err := r.pool.Status(ids[0])
		require.NoError(t, err)
		assert.ErrorIs(t, st.Err, context.DeadlineExceeded,
			"job 1's Status should say it ran out of time (its context's deadline); got %v", st.Err)
	})
}

func TestEveryFinishedJobIsForgottenWhenItsRetentionEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Calls 1 and 2 take 1s, calls 3 and 4 take 5s; statuses are kept 10s.
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 10, Retention: 10 * time.Second},
			backend.LatencyFunc(func(n int) time.Duration {
				if n == 3 || n == 4 {
					return 5 * time.Second
				}
				return time.Second
			}))
		defer r.finish()
		ids := r.submitAll([]string{"job 1", "job 2 fails", "job 3", "job 4", "job 5"})
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		r.shutdown(ctx) // gives up at 3s: jobs 3, 4 and 5 are unfinished

		var got []string
		for _, d := range []time.Duration{
			11*time.Second - time.Nanosecond, 11 * time.Second, 13*time.Second - time.Nanosecond, 13 * time.Second,
		} {
			r.at(d)
			got = append(got, fmt.Sprintf("at %v: %s", d, strings.Join(r.states(ids), ", ")))
		}
		assert.Equal(t, []string{
			"at 10.999999999s: done, failed, unfinished, unfinished, unfinished",
			"at 11s: forgotten, forgotten, unfinished, unfinished, unfinished",
			"at 12.999999999s: forgotten, forgotten, unfinished, unfinished, unfinished",
			"at 13s: forgotten, forgotten, forgotten, forgotten, forgotten",
		}, got,
			"statuses are kept 10s from when a job finished, then forgotten (Status answers ErrUnknownJob). Jobs 1 "+
				"and 2 finished at 1s: forgotten at 11s. Jobs 3, 4 and 5 finished when Shutdown gave up on them, at "+
				"3s: unfinished is an end too, so they are forgotten at 13s. Mark them with end, which starts the "+
				"retention, not by setting the status alone\n%s", r.picture())
		assert.Zero(t, r.pool.Tracked(), "at 13s every job is past its retention: the pool should hold no status")
		st, err := r.pool.Status(ids[0])
		require.ErrorIs(t, err, pool.ErrUnknownJob, "job 1 was forgotten at 11s")
		assert.Equal(t, "State(0)", st.State.String(),
			"with ErrUnknownJob, Status should return the zero Status, whose State is no state at all: a client "+
				"that reads it by mistake must not be told its job is %q", st.State)
	})
}

func TestTheReportCountsJobsWhoseStatusesWereForgotten(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Statuses are kept 2s; the three jobs end at 1s.
		r := newRig(t, pool.Config{Workers: 3, QueueSize: 10, Retention: 2 * time.Second}, backend.Latency(time.Second))
		defer r.finish()
		ids := r.submitAll([]string{"job 1", "job 2 fails", "job 3"})
		r.at(5 * time.Second)
		require.Equal(t, []string{"forgotten", "forgotten", "forgotten"}, r.states(ids),
			"at 5s the three jobs, which ended at 1s, are past their 2s retention\n%s", r.picture())

		got := r.shutdown(t.Context())

		require.NoError(t, got.err, "nothing was left: Shutdown returns nil\n%s", r.picture())
		assert.Equal(t, []int{2, 1}, []int{got.report.Done, got.report.Failed},
			"the report's Done and Failed. Jobs 1 and 3 were done and job 2 failed, at 1s: the report accounts for "+
				"every job the pool accepted, also those whose status was forgotten after the retention. Count the "+
				"jobs as they end; the statuses held are only the recent ones\n%s", r.picture())
	})
}

func TestTheReportNamesTwelveUnfinishedJobsInTheOrderTheyWereAccepted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, pool.Config{Workers: 2, QueueSize: 20}, backend.Latency(5*time.Second))
		defer r.finish()
		ids := r.submitAll(jobs(12))
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()

		got := r.shutdown(ctx)

		require.ErrorIs(t, got.err, context.DeadlineExceeded, "Shutdown should give up at its 3s deadline\n%s", r.picture())
		assert.Equal(t, ids, got.report.Unfinished,
			"at 3s jobs 1 and 2 were running and jobs 3 to 12 queued: the report should name all twelve, in the "+
				"order they were accepted. Sorting the IDs as strings puts job-10 before job-2: keep the order of "+
				"acceptance with the job (a sequence number), not in the spelling of its ID\n%s", r.picture())
	})
}

// BenchmarkPoolThroughput measures how many trivial jobs per second go
// through the pool, against the floor: a bare buffered channel of the same
// size with the same number of consumer goroutines. The difference is what
// the pool's bookkeeping costs (IDs, the status map, the lock). Run it with
//
//	go test -run '^$' -bench . ./lessons/07-worker-pool/
func BenchmarkPoolThroughput(b *testing.B) {
	const workers, queueSize = 8, 64
	trivial := func(_ context.Context, s string) (string, error) { return s, nil }

	b.Run("pool", func(b *testing.B) {
		p := pool.New(trivial, pool.Config{Workers: workers, QueueSize: queueSize})
		b.ResetTimer()
		for range b.N {
			if _, err := p.Submit("x"); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := p.Shutdown(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})

	b.Run("bare-channel", func(b *testing.B) {
		queue := make(chan string, queueSize)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for s := range queue {
					_, _ = trivial(context.Background(), s)
				}
			})
		}
		b.ResetTimer()
		for range b.N {
			queue <- "x"
		}
		close(queue)
		wg.Wait()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "jobs/s")
	})
}
