package handoff_test

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
	handoff "github.com/wherewaiting/workshop/lessons/06-hand-off"
)

// errDiskFull is what a failing job's work returns, after making it wait.
var errDiskFull = errors.New("disk full")

// Exercise 1: hand the work off, and return at once.

func TestSubmitReturnsAtOnceWhileTheWorkTakesSeconds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(5*time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		got := trySubmit(t, tl, svc, "report", w.queue)
		require.NoError(t, got.err, "Submit(\"report\") failed; the queue is empty, so it should accept the job\n%s", tl)
		at(start, 5*time.Second)
		picture := draw(tl)
		timeline.Keep(t, "submit-then-work", picture)

		assert.Zero(t, got.waited,
			"the client waited %v for Submit, the whole of the 5s job. Submit should put the job in the queue and "+
				"return at once with its ID: from now on the job waits for the worker, and the client waits for nothing\n%s",
			got.waited, picture)
		assert.NotEmpty(t, got.id, "Submit should return the job's ID: the client needs it to ask about the job later")
		assert.Equal(t, []string{"report worked from 0s to 5s"}, w.ran(),
			"the work must still be done, by the worker, starting at once since it was free: from 0s to 5s\n%s", picture)
		if !t.Failed() {
			t.Logf("the client waited 0s; the job waited for the worker (0s here) and then 5s for its work:\n%s", picture)
		}
	})
}

func TestEverySubmitGetsItsOwnID(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		const clients = 10
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: clients})
		defer closeAtEnd(t, svc)

		// Ten clients submit at the same instant; half of them send the
		// same input. Nothing but the service is shared between them.
		gate := make(chan struct{})
		answers := make(chan submission, clients)
		for i := range clients {
			input := "same report"
			if i%2 == 1 {
				input = fmt.Sprintf("report %d", i)
			}
			go func() {
				<-gate
				start := time.Now()
				id, err := svc.Submit(input)
				answers <- submission{input: input, id: id, err: err, began: start, waited: time.Since(start)}
			}()
		}
		close(gate)

		var got []submission
		giveUp := time.After(patience)
		for range clients {
			select {
			case a := <-answers:
				tl.Add("client "+a.input, a.began, a.began.Add(a.waited))
				got = append(got, a)
			case <-giveUp:
				t.Fatalf("after %v, %d of the %d clients were still waiting in Submit; it should return at once\n%s",
					patience, clients-len(got), clients, tl)
			}
		}
		ids := map[handoff.JobID][]string{}
		var waits []string
		for _, a := range got {
			require.NoError(t, a.err, "Submit(%q) failed; the queue has room for all %d jobs\n%s", a.input, clients, tl)
			require.NotEmpty(t, a.id, "Submit(%q) returned an empty ID", a.input)
			ids[a.id] = append(ids[a.id], a.input)
			waits = append(waits, a.waited.String())
		}
		assert.Equal(t, slices.Repeat([]string{"0s"}, clients), waits,
			"how long each of the %d clients waited for Submit; each should get its ID at once, whatever the "+
				"others do\n%s", clients, tl)
		assert.Len(t, ids, clients,
			"%d clients submitted at the same instant and got %d different IDs (ID: inputs): %v. Every Submit is a new "+
				"job and needs an ID of its own, even for the same input; the counter the IDs come from is shared by "+
				"every caller, so read and change it only under the lock", clients, len(ids), ids)
	})
}

func TestAFullQueueRefusesAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(5*time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 2})
		defer closeAtEnd(t, svc)

		submit(t, w, svc, "a")
		synctest.Wait() // the worker takes a: the queue is empty again
		submit(t, w, svc, "b")
		submit(t, w, svc, "c")
		got := trySubmit(t, tl, svc, "d", nil)
		require.ErrorIs(t, got.err, handoff.ErrQueueFull,
			"a is running and b and c wait in a queue of 2: the queue is full, so Submit(\"d\") should refuse the job "+
				"with an error wrapping ErrQueueFull (it returned ID %q and error %v)\n%s", got.id, got.err, tl)
		assert.Empty(t, got.id, "a refused job has no ID")
		assert.Zero(t, got.waited,
			"the client of d waited %v to be refused. A full queue is an answer, not a wait: a send that cannot "+
				"wait is a select with a default case\n%s", got.waited, tl)

		at(start, 15*time.Second)
		assert.Equal(t, []string{"a worked from 0s to 5s", "b worked from 5s to 10s", "c worked from 10s to 15s"}, w.ran(),
			"the jobs that were accepted are all done, one after the other; the refused one never runs\n%s", tl)
	})
}

// Exercise 2: a status view, from accepted to running to done or failed.

func TestStatusFollowsEachJobFromAcceptedToRunningToDone(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(3*time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}}
		var got []string
		for _, d := range []time.Duration{0, time.Second, 3*time.Second - time.Nanosecond, 3 * time.Second, 6 * time.Second} {
			at(start, d)
			got = append(got, fmt.Sprintf("at %v: %s", d, describe(svc, jobs)))
		}
		timeline.Keep(t, "status-over-time", strings.Join(got, "\n")+"\n")

		assert.Equal(t, []string{
			"at 0s: a running, b accepted",
			"at 1s: a running, b accepted",
			"at 2.999999999s: a running, b accepted",
			`at 3s: a done "result of a", b running`,
			`at 6s: a done "result of a", b done "result of b"`,
		}, got,
			"the jobs' statuses over time: two 3s jobs, submitted at 0s to one worker. a is running from 0s while b "+
				"waits in the queue (accepted); at 3s a is done, with what its work returned, and b is running; at 6s "+
				"both are done. A job is running from the moment the worker takes it, and done the moment its work "+
				"returns\n%s", tl)
		if !t.Failed() {
			t.Logf("two 3s jobs submitted at 0s, one worker:\n%s", strings.Join(got, "\n"))
		}
	})
}

func TestAFailedJobReportsItsErrorAndTheWorkerGoesOn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		// a works for 2s and fails; b works for 1s and succeeds.
		w := newWorkload(tl,
			backend.LatencyFunc(func(n int) time.Duration { return time.Duration(3-n) * time.Second }),
			backend.FailFunc(func(n int) error {
				if n == 1 {
					return errDiskFull
				}
				return nil
			}))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}}
		var got []string
		for _, d := range []time.Duration{2*time.Second - time.Nanosecond, 2 * time.Second, 3 * time.Second} {
			at(start, d)
			got = append(got, fmt.Sprintf("at %v: %s", d, describe(svc, jobs)))
		}
		assert.Equal(t, []string{
			"at 1.999999999s: a running, b accepted",
			"at 2s: a failed (a: disk full), b running",
			`at 3s: a failed (a: disk full), b done "result of b"`,
		}, got,
			"a's work fails at 2s: a is failed, with the error its work returned, and no result. The worker goes on "+
				"to b, which is done at 3s: one failed job must not stop the worker\n%s", tl)

		st, err := svc.Status(jobs[0].id)
		require.NoError(t, err, "a was submitted, so its status is known")
		assert.ErrorIs(t, st.Err, errDiskFull,
			"a's status should carry its work's error (as it is, or wrapped with %%w), so that whoever asks can tell "+
				"with errors.Is what went wrong; got %v", st.Err)
	})
}

func TestStatusOfAnUnknownJobIsErrUnknownJob(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		id := submit(t, w, svc, "a")
		const never = handoff.JobID("job-that-was-never-submitted")
		st, err := svc.Status(never)
		require.ErrorIs(t, err, handoff.ErrUnknownJob,
			"Status(%q) returned %+v and error %v. Submit never handed out that ID, so Status should return an error "+
				"wrapping ErrUnknownJob: an empty Status tells the client something about a job that does not exist",
			never, st, err)
		assert.Contains(t, err.Error(), string(never), "the error should name the ID it could not find")
		assert.Equal(t, "State(0)", st.State.String(),
			"with the error, Status should return the zero Status, whose State is no state at all: a client that "+
				"reads it by mistake must not be told its job is %q", st.State)

		_, err = svc.Status(id)
		assert.NoError(t, err, "a's ID came from Submit, so Status(%q) should know it", id)
	})
}

// Exercise 3: one worker, one job at a time, started and stopped cleanly.

func TestJobsRunOneAtATimeInSubmissionOrder(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		for _, input := range []string{"a", "b", "c", "d", "e"} {
			submit(t, w, svc, input)
		}
		at(start, 5*time.Second)
		picture := draw(tl)
		timeline.Keep(t, "five-jobs-one-worker", picture)

		assert.Equal(t, []string{
			"a worked from 0s to 1s",
			"b worked from 1s to 2s",
			"c worked from 2s to 3s",
			"d worked from 3s to 4s",
			"e worked from 4s to 5s",
		}, w.ran(),
			"five 1s jobs submitted at 0s, to ONE worker: it should take them one at a time, in the order they were "+
				"submitted, each as soon as the one before is done. The waiting is in the queue now: e waits 4s there\n%s", picture)
		assert.Equal(t, 1, w.be.PeakInFlight(),
			"%d jobs were worked on at once; with one worker there is never more than 1. A goroutine per job does not "+
				"queue anything: it puts all the load on the dependency at once\n%s", w.be.PeakInFlight(), picture)
		if !t.Failed() {
			t.Logf("five 1s jobs, one worker: every client waited 0s, and e waited 4s in the queue:\n%s", picture)
		}
	})
}

func TestCloseFinishesTheQueuedJobsThenStopsTheWorker(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		before := goleak.IgnoreCurrent() // every goroutine that exists before New
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(2*time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}, {"c", submit(t, w, svc, "c")}}
		waited := closeService(t, tl, svc)

		assert.Equal(t, 6*time.Second, waited,
			"Close returned after %v. Three 2s jobs were accepted before it: Close should let the worker finish all "+
				"of them (2s + 2s + 2s) and return once the worker has exited, not before\n%s", waited, tl)
		assert.Equal(t, `a done "result of a", b done "result of b", c done "result of c"`, describe(svc, jobs),
			"when Close returns, every job accepted before it should be done: Close refuses new jobs, it does not "+
				"drop the queued ones\n%s", tl)
		picture := draw(tl) // goleak.Find retries with (virtual) sleeps: draw what Close left first
		if err := goleak.Find(before); err != nil {
			t.Errorf("Close returned, but a goroutine started since New is still alive. Close should make the worker "+
				"stop (closing the queue ends its range loop once the queue is empty) and wait until it has exited.\n%v\n%s",
				err, picture)
		}
	})
}

func TestSubmitAfterCloseIsRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		submit(t, w, svc, "a")
		closeService(t, tl, svc)
		got := trySubmit(t, tl, svc, "late", nil)
		require.ErrorIs(t, got.err, handoff.ErrClosed,
			"Submit after Close returned ID %q and error %v; it should refuse the job, at once, with ErrClosed: "+
				"nobody will ever work on it\n%s", got.id, got.err, tl)
		assert.Empty(t, got.id, "a refused job has no ID")
		assert.Zero(t, got.waited, "the client waited %v to be refused; it should be told at once\n%s", got.waited, tl)

		time.Sleep(time.Minute)
		synctest.Wait()
		assert.Equal(t, []string{"a worked from 0s to 1s"}, w.ran(), "only the job accepted before Close is worked on\n%s", tl)
	})
}

func TestASecondCloseReturnsWithoutPanicking(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(2*time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		closing := false
		defer func() {
			if !closing { // the test stopped before it closed the service
				closeAtEnd(t, svc)
			}
		}()

		submit(t, w, svc, "a")
		closing = true
		first := closeService(t, tl, svc)
		require.Equal(t, 2*time.Second, first, "the first Close should wait for a, queued before it (2s)\n%s", tl)
		second := closeService(t, tl, svc)
		assert.Zero(t, second,
			"a second Close waited %v; the worker has exited already, so it should return at once\n%s", second, tl)
	})
}

func TestASecondCloseWaitsForTheQueuedJobsLikeTheFirst(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(2*time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		closing := false
		defer func() {
			if !closing { // the test stopped before it closed the service
				closeAtEnd(t, svc)
			}
		}()

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}}
		closing = true
		first := make(chan time.Duration, 1)
		go func() { first <- closeService(t, tl, svc) }() // the process's shutdown hook, at 0s
		at(start, time.Second)
		second := closeService(t, tl, svc) // a second caller, say a signal handler, at 1s
		states := states(svc, jobs)

		assert.Equal(t, 3*time.Second, second,
			"a second Close, called at 1s while the first still waits for a and b, returned after %v. Whoever "+
				"calls Close is told that the service has stopped: it should wait, like the first, until the worker "+
				"has finished the queued jobs and exited (at 4s), not return because someone else closed the queue. "+
				"Every Close waits for the worker, the second one included\n%s", second, tl)
		assert.Equal(t, "a done, b done", states,
			"when the second Close returned, the jobs accepted before it should be done\n%s", tl)
		assert.Equal(t, 4*time.Second, <-first, "the first Close should return when b is done, at 4s\n%s", tl)
	})
}

func TestSubmitsRacingCloseAreEitherAcceptedAndDoneOrRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		const rounds, clients = 20, 8
		var wrong []string
		for round := range rounds {
			tl := timeline.New()
			w := newWorkload(tl, backend.Latency(time.Second))
			svc := handoff.New(w.work, handoff.Config{QueueSize: clients})
			submit(t, w, svc, "busy")
			synctest.Wait() // the worker takes busy and works on it: the others stay in the queue

			// Eight clients and Close, all at the same instant, with nothing
			// between them but the service: run this test with -race.
			gate := make(chan struct{})
			var mu sync.Mutex
			var accepted []submitted
			var wg sync.WaitGroup
			for i := range clients {
				input := fmt.Sprintf("round %d job %d", round+1, i+1)
				wg.Go(func() {
					<-gate
					var id handoff.JobID
					err := func() (err error) {
						defer func() {
							if v := recover(); v != nil {
								err = fmt.Errorf("%w: %v", errPanicked, v)
							}
						}()
						id, err = svc.Submit(input)
						return err
					}()
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						accepted = append(accepted, submitted{input, id})
					case !errors.Is(err, handoff.ErrClosed):
						wrong = append(wrong, fmt.Sprintf("Submit(%q): %v", input, err))
					}
				})
			}
			wg.Go(func() {
				<-gate
				svc.Close()
			})
			close(gate)
			wg.Wait()

			for _, j := range accepted {
				if got := stateOf(svc, j.id); got != "done" {
					wrong = append(wrong, fmt.Sprintf("%s was accepted, and is %s after Close returned", j.input, got))
				}
			}
		}
		assert.Empty(t, wrong,
			"%d rounds of %d clients calling Submit at the very instant Close is called. Each Submit should either "+
				"be accepted, and its job done before Close returns, or be refused with ErrClosed; instead: %v. "+
				"Close closes the queue: a Submit that checked the closed flag and then let go of the lock may send "+
				"on the queue after it was closed, which panics. Check the flag and send under the same lock "+
				"(the send cannot wait: it has a default case)", rounds, clients, wrong)
	})
}

func TestStatusIsSafeToReadWhileTheWorkerWrites(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		const watchers = 3
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10})
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}, {"c", submit(t, w, svc, "c")}}

		// Watchers read the statuses every 250ms while the worker changes
		// them. Nothing orders their reads after the worker's writes but
		// the service itself: run this test with -race.
		seen := make(chan []string, watchers)
		for range watchers {
			go func() {
				changes := make([][]string, len(jobs))
				for range 14 { // 250ms, 500ms, … 3.5s
					time.Sleep(250 * time.Millisecond)
					for i, j := range jobs {
						now := stateOf(svc, j.id)
						if n := len(changes[i]); n == 0 || changes[i][n-1] != now {
							changes[i] = append(changes[i], now)
						}
					}
				}
				lines := make([]string, len(jobs))
				for i, j := range jobs {
					lines[i] = j.input + ": " + strings.Join(changes[i], " → ")
				}
				seen <- lines
			}()
		}
		giveUp := time.After(patience)
		for n := 1; n <= watchers; n++ {
			select {
			case lines := <-seen:
				assert.Equal(t, []string{
					"a: running → done",
					"b: accepted → running → done",
					"c: accepted → running → done",
				}, lines,
					"what watcher %d saw, as each job's status changed (read every 250ms from 250ms to 3.5s, three 1s "+
						"jobs): a job's state only moves forward\n%s", n, tl)
			case <-giveUp:
				t.Fatalf("after %v, watchers were still stuck in Status: it should answer at once\n%s", patience, tl)
			}
		}
	})
}

// Exercise 4: nothing held for ever: not the worker, not a status.

func TestAJobThatHitsItsTimeoutFailsAndTheWorkerGoesOn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		// a's dependency would take 10s; b's takes 1s. Each job may work 3s.
		w := newWorkload(tl, backend.LatencyFunc(func(n int) time.Duration {
			if n == 1 {
				return 10 * time.Second
			}
			return time.Second
		}))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10, Timeout: 3 * time.Second})
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}}
		var got []string
		for _, d := range []time.Duration{3*time.Second - time.Nanosecond, 3 * time.Second, 4 * time.Second} {
			at(start, d)
			got = append(got, fmt.Sprintf("at %v: %s", d, states(svc, jobs)))
		}
		picture := draw(tl)
		timeline.Keep(t, "work-timeout", strings.Join(got, "\n")+"\n\n"+picture)

		assert.Equal(t, []string{
			"at 2.999999999s: a running, b accepted",
			"at 3s: a failed, b running",
			"at 4s: a failed, b done",
		}, got,
			"the Timeout is 3s and a's dependency would take 10s: a's work should be stopped at 3s, counted from when "+
				"the worker started it, and a should be failed; the worker then takes b at once (b waited in the queue "+
				"since 0s: its own 3s start only when its work does)\n%s", picture)
		st, err := svc.Status(jobs[0].id)
		require.NoError(t, err, "a was submitted, so its status is known")
		assert.ErrorIs(t, st.Err, context.DeadlineExceeded,
			"a's status should say why it failed: its work's context reached its deadline "+
				"(context.WithTimeout, passed to the work); got %v", st.Err)
		if !t.Failed() {
			t.Logf("a hung dependency holds the worker for the 3s timeout, no longer:\n%s\n%s", strings.Join(got, "\n"), picture)
		}
	})
}

func TestAFinishedJobIsForgottenTheInstantItsRetentionEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		// a works 1s and is done at 1s; b works 10s and fails at 11s.
		w := newWorkload(tl,
			backend.LatencyFunc(func(n int) time.Duration { return time.Duration(9*n-8) * time.Second }),
			backend.FailFunc(func(n int) error {
				if n == 2 {
					return errDiskFull
				}
				return nil
			}))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10, Retention: 5 * time.Second})
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}}
		var got []string
		for _, d := range []time.Duration{
			6*time.Second - time.Nanosecond, 6 * time.Second, 16*time.Second - time.Nanosecond, 16 * time.Second,
		} {
			at(start, d)
			got = append(got, fmt.Sprintf("at %v: %s", d, states(svc, jobs)))
		}
		timeline.Keep(t, "retention", strings.Join(got, "\n")+"\n")

		assert.Equal(t, []string{
			"at 5.999999999s: a done, b running",
			"at 6s: a forgotten, b running",
			"at 15.999999999s: a forgotten, b failed",
			"at 16s: a forgotten, b forgotten",
		}, got,
			"the Retention is 5s: a was done at 1s, so its status is kept until 6s and forgotten from that very "+
				"instant (Status answers ErrUnknownJob); b failed at 11s and is forgotten at 16s. The retention counts "+
				"from when a job finished, not from when it was submitted: a job that is still queued or running is "+
				"never forgotten\n%s", tl)
		if !t.Failed() {
			t.Logf("a finished job's status is kept for the 5s retention, then forgotten:\n%s", strings.Join(got, "\n"))
		}
	})
}

func TestSubmitForgetsTheStatusesPastTheirRetention(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10, Retention: 5 * time.Second})
		defer closeAtEnd(t, svc)

		for _, input := range []string{"a", "b", "c"} { // done at 1s, 2s and 3s
			submit(t, w, svc, input)
		}
		at(start, 7*time.Second) // a and b are past their retention; c is not
		submit(t, w, svc, "d")
		assert.Equal(t, 2, svc.Tracked(),
			"at 7s the service still holds %d statuses, and nobody asked about a, b or c since they were done. "+
				"a (done at 1s) and b (done at 2s) are past their 5s retention: Submit should forget them, so that "+
				"only c and d are held. Forgetting only when someone asks leaves every status nobody asks about "+
				"again, which is most of them, in memory for ever\n%s", svc.Tracked(), tl)
	})
}

func TestForgettingAStatusNeverGivesItsIDToANewJob(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10, Retention: 5 * time.Second})
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}, {"b", submit(t, w, svc, "b")}, {"c", submit(t, w, svc, "c")}}
		at(start, 6500*time.Millisecond) // a (done at 1s) is forgotten; b and c are kept until 7s and 8s
		jobs = append(jobs, submitted{"d", submit(t, w, svc, "d")})
		at(start, 7500*time.Millisecond)

		byID := map[handoff.JobID][]string{}
		for _, j := range jobs {
			byID[j.id] = append(byID[j.id], j.input)
		}
		assert.Len(t, byID, len(jobs),
			"the IDs Submit handed out (ID: jobs): %v. d was submitted at 6.5s, once a's status had been forgotten, and got an "+
				"ID that was handed out before: whoever holds that ID now reads about someone else's job. An ID "+
				"must never be handed out twice: number the jobs with a counter that only grows, not with how many "+
				"statuses are held, which shrinks as they are forgotten\n%s", byID, tl)
		assert.Equal(t, `c done "result of c", d done "result of d"`, describe(svc, jobs[2:]),
			"at 7.5s c (done at 3s) is still within its 5s retention and d is done: each ID should still tell "+
				"about its own job\n%s", tl)
	})
}

func TestWithoutARetentionAStatusIsKeptForADay(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer letEverythingFinish()
		start := time.Now()
		tl := timeline.New()
		w := newWorkload(tl, backend.Latency(time.Second))
		svc := handoff.New(w.work, handoff.Config{QueueSize: 10}) // no Retention: DefaultRetention, 24h
		defer closeAtEnd(t, svc)

		jobs := []submitted{{"a", submit(t, w, svc, "a")}} // done at 1s
		var got []string
		for _, d := range []time.Duration{
			time.Second + handoff.DefaultRetention - time.Nanosecond, time.Second + handoff.DefaultRetention,
		} {
			at(start, d)
			got = append(got, fmt.Sprintf("at %v: %s", d, states(svc, jobs)))
		}

		assert.Equal(t, []string{"at 24h0m0.999999999s: a done", "at 24h0m1s: a forgotten"}, got,
			"the Config sets no Retention, so a finished status is kept for DefaultRetention (24h) and then "+
				"forgotten. A zero Retention means the default, not \"keep for ever\": a service configured without "+
				"one would hold every status it ever had, and its memory would only grow\n%s", tl)
	})
}

// patience is how much virtual time a test waits for Submit or Close before
// it calls them stuck. It costs nothing: virtual time passes instantly.
const patience = 10 * time.Minute

// letEverythingFinish sleeps past any work a test started (virtual time
// costs nothing), so that work still running when a test stops early ends
// before the bubble does. In correct code every goroutine has then exited;
// a worker still waiting for jobs that will never come makes the bubble
// panic ("blocked goroutines remain"): that is a leaked worker.
func letEverythingFinish() {
	time.Sleep(time.Hour)
	synctest.Wait()
}

// at sleeps until d after start (virtual time costs nothing), then lets
// everything that was due at that instant happen before the test looks.
func at(start time.Time, d time.Duration) {
	time.Sleep(time.Until(start.Add(d)))
	synctest.Wait()
}

// draw draws the timeline with the rows that start at the same instant in a
// fixed order: by job, and for each job its client, its time in the queue,
// then its work. Goroutines that wake at the same virtual instant run in no
// fixed order, so the order the spans were recorded in changes from run to
// run; the picture must not.
func draw(tl *timeline.Timeline) string {
	spans := tl.Spans()
	row := func(s timeline.Span) (job string, kind int) {
		switch {
		case strings.HasPrefix(s.Who, "client "):
			return strings.TrimPrefix(s.Who, "client "), 0
		case strings.HasSuffix(s.Who, " queued"):
			return strings.TrimSuffix(s.Who, " queued"), 1
		case strings.HasSuffix(s.Who, " working"):
			return strings.TrimSuffix(s.Who, " working"), 2
		}
		return s.Who, 3
	}
	slices.SortStableFunc(spans, func(a, b timeline.Span) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		ja, ka := row(a)
		jb, kb := row(b)
		if c := strings.Compare(ja, jb); c != 0 {
			return c
		}
		return ka - kb
	})
	return timeline.Render(tl.Origin(), time.Now(), spans)
}

// A workload is the tests' Work: a simulated dependency that takes the time
// its options say. It draws each job on the timeline, "<input> queued" from
// Submit until its work starts and "<input> working" while it runs, and
// writes down when each job's work ran.
type workload struct {
	tl *timeline.Timeline
	be *backend.Backend

	mu     sync.Mutex
	queued map[string]func() // ends an input's "queued" span
	runs   []string          // "a worked from 0s to 3s", in the order the work ended
}

// newWorkload returns a workload whose successful work answers "result of
// <input>". Call it inside the bubble.
func newWorkload(tl *timeline.Timeline, opts ...backend.Option) *workload {
	reply := backend.Reply(func(_ int, input string) string { return "result of " + input })
	return &workload{
		tl:     tl,
		be:     backend.New("work", append([]backend.Option{reply}, opts...)...),
		queued: map[string]func(){},
	}
}

// work is the handoff.Work the tests hand to New.
func (w *workload) work(ctx context.Context, input string) (string, error) {
	from := time.Since(w.tl.Origin())
	w.mu.Lock()
	if end, ok := w.queued[input]; ok {
		end()
		delete(w.queued, input)
	}
	w.mu.Unlock()

	end := w.tl.Begin(input + " working")
	result, err := w.be.Call(ctx, input)
	end()

	w.mu.Lock()
	w.runs = append(w.runs, fmt.Sprintf("%s worked from %v to %v", input, from, time.Since(w.tl.Origin())))
	w.mu.Unlock()
	if err != nil {
		return "", fmt.Errorf("%s: %w", input, err)
	}
	return result, nil
}

// queue starts input's "queued" span; the work ends it when it starts.
func (w *workload) queue(input string) {
	w.mu.Lock()
	w.queued[input] = w.tl.Begin(input + " queued")
	w.mu.Unlock()
}

// ran lists when each job's work ran, in the order it ended.
func (w *workload) ran() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.runs)
}

// A submission is what one client got from Submit, and how long it waited.
type submission struct {
	input  string
	id     handoff.JobID
	err    error
	began  time.Time // when the client called Submit
	waited time.Duration
}

// trySubmit calls Submit as a client would, draws the client's wait on tl,
// and returns what it got. A Submit still waiting after patience fails the
// test. If queue is not nil, it is called just before Submit.
func trySubmit(t *testing.T, tl *timeline.Timeline, svc *handoff.Service, input string, queue func(input string)) submission {
	t.Helper()
	begin := time.Now()
	end := tl.Begin("client " + input)
	if queue != nil {
		queue(input)
	}
	out := make(chan submission, 1) // buffered: Submit never waits for the test to read
	go func() {
		s := submission{input: input}
		defer func() {
			if v := recover(); v != nil {
				s.err = fmt.Errorf("%w: %v", errPanicked, v)
			}
			out <- s
		}()
		s.id, s.err = svc.Submit(input)
	}()
	select {
	case s := <-out:
		end()
		s.began, s.waited = begin, time.Since(begin)
		if errors.Is(s.err, errPanicked) {
			t.Fatalf("Submit(%q) %v. After Close, Submit must refuse the job with ErrClosed, never send "+
				"on the closed queue: check a closed flag under the lock before the send\n%s", input, s.err, tl)
		}
		return s
	case <-time.After(patience):
		t.Fatalf("the client of %q was still waiting in Submit after %v. Submit should never wait: not for the "+
			"work, not for room in the queue\n%s", input, patience, tl)
		return submission{}
	}
}

// submit hands input over with Submit, which must accept it at once
// (exercise 1), and returns the job's ID.
func submit(t *testing.T, w *workload, svc *handoff.Service, input string) handoff.JobID {
	t.Helper()
	got := trySubmit(t, w.tl, svc, input, w.queue)
	require.NoError(t, got.err, "Submit(%q) failed; the queue has room, so it should accept the job\n%s", input, w.tl)
	require.Zero(t, got.waited,
		"the client of %q waited %v for Submit. Submit should put the job in the queue and return at once "+
			"(exercise 1): the job waits for the worker, the client does not\n%s", input, got.waited, w.tl)
	require.NotEmpty(t, got.id, "Submit(%q) returned an empty ID: the client needs it to ask about the job later", input)
	return got.id
}

// closeService calls Close, draws its wait on tl, and returns how long it
// took. A Close still waiting after patience fails the test.
func closeService(t *testing.T, tl *timeline.Timeline, svc *handoff.Service) time.Duration {
	t.Helper()
	begin := time.Now()
	end := tl.Begin("Close")
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		svc.Close()
	}()
	select {
	case v := <-done:
		end()
		if v != nil {
			t.Fatalf("Close panicked (%v). Close may be called more than once: the first closes the queue, a second "+
				"must not close it again (closing a closed channel panics); keep a closed flag under the lock\n%s", v, tl)
		}
		return time.Since(begin)
	case <-time.After(patience):
		t.Fatalf("Close was still waiting after %v. It should wait for the jobs already queued, then for the worker "+
			"to exit, and no longer: does the worker ever learn that no more jobs will come?\n%s", patience, tl)
		return 0
	}
}

// closeAtEnd is the Close every test defers. Close may be called more than
// once: a panic in it (say "close of closed channel") fails this test, with
// a message, instead of ending the whole test run.
func closeAtEnd(t *testing.T, svc *handoff.Service) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			t.Errorf("Close panicked (%v) when the test closed the service at its end. Close may be called more "+
				"than once: a second Close must not close the queue again (closing a closed channel panics); keep "+
				"a closed flag under the lock, and close the queue only the first time", v)
		}
	}()
	svc.Close()
}

// errPanicked marks a Submit that panicked; the test reports it instead of
// crashing.
var errPanicked = errors.New("panicked")

// A submitted job: its input and the ID Submit gave it.
type submitted struct {
	input string
	id    handoff.JobID
}

// describe tells each job's status: `a running, b done "result of b"`.
func describe(svc *handoff.Service, jobs []submitted) string {
	parts := make([]string, len(jobs))
	for i, j := range jobs {
		st, err := svc.Status(j.id)
		switch {
		case err != nil:
			parts[i] = fmt.Sprintf("%s: Status error %v", j.input, err)
		default:
			parts[i] = j.input + " " + st.State.String()
			if st.Result != "" {
				parts[i] += fmt.Sprintf(" %q", st.Result)
			}
			if st.Err != nil {
				parts[i] += fmt.Sprintf(" (%v)", st.Err)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// states tells each job's state in a word: "a running, b forgotten", where
// forgotten means Status answered ErrUnknownJob.
func states(svc *handoff.Service, jobs []submitted) string {
	parts := make([]string, len(jobs))
	for i, j := range jobs {
		parts[i] = j.input + " " + stateOf(svc, j.id)
	}
	return strings.Join(parts, ", ")
}

// stateOf is the job's state as a word, "forgotten" for ErrUnknownJob, or
// the error Status returned.
func stateOf(svc *handoff.Service, id handoff.JobID) string {
	st, err := svc.Status(id)
	switch {
	case errors.Is(err, handoff.ErrUnknownJob):
		return "forgotten"
	case err != nil:
		return "error: " + err.Error()
	}
	return st.State.String()
}
