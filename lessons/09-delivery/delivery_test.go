package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/effect"
	"github.com/wherewaiting/workshop/internal/timeline"
	delivery "github.com/wherewaiting/workshop/lessons/09-delivery"
)

// Exercise 1: leases. A worker does not take a message away; it leases it.

func TestAMessageWhoseWorkerDiedComesBackWhenItsLeaseEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		tl := timeline.New()
		q := delivery.NewQueue(delivery.Config{Lease: 3 * time.Second})
		id := q.Put("charge order-1")

		first := mustReceive(t, q, start)
		tl.Add(fmt.Sprintf("a: %s try %d, dies", first.ID, first.Attempt), start, start)
		// Worker a dies here: it never acks, never renews.
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		b := goReceive(ctx, q, start)
		endWait := tl.Begin("b waits for a message")

		at(start, 3*time.Second-time.Nanosecond)
		before := q.Stats()
		_, early := tryGet(b)
		at(start, 3*time.Second)
		got, ok := tryGet(b)
		if ok {
			endWait()
			tl.Add(fmt.Sprintf("b: %s try %d", got.d.ID, got.d.Attempt), start.Add(got.at), start.Add(got.at))
		}
		picture := tl.String()
		timeline.Keep(t, "lease-runs-out", picture)

		require.False(t, early, "worker b got a message before a's lease ended, at 2.999999999s\n%s", picture)
		require.True(t, ok,
			"worker a received %s at 0s and died without acking it. Worker b has waited since 0s; a's lease of 3s "+
				"ended at 3s, and at that instant the message should be visible again and go to b. b got nothing: "+
				"the message was lost with worker a. Receive should lease a message, not hand it over for good\n%s",
			first.ID, picture)
		require.NoError(t, got.err)
		assert.Equal(t, id, got.d.ID, "b should get the message a held, the same ID")
		assert.Equal(t, "charge order-1", got.d.Body, "b should get the message a held, the same body")
		assert.Equal(t, 2, got.d.Attempt, "this is the message's second delivery: Attempt 2 (the first one was 1, got %d)", first.Attempt)
		assert.Equal(t, stats{Accepted: 1, Leased: 1}, placesOf(before),
			"at 2.999999999s a still holds the message under its lease: Stats should count it Leased (not Acked, not gone)")
		assert.Equal(t, stats{Accepted: 1, Leased: 1}, placesOf(q.Stats()), "at 3s, b holds it under a new lease")
		assert.Equal(t, 2, q.Stats().Deliveries, "two deliveries of one message")
	})
}

func TestAnAckedMessageIsNeverDeliveredAgain(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		q := delivery.NewQueue(delivery.Config{Lease: 3 * time.Second})
		q.Put("charge order-1")

		d := mustReceive(t, q, start)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		b := goReceive(ctx, q, start)
		at(start, time.Second)
		require.NoError(t, q.Ack(d), "a acks its delivery at 1s, well inside its 3s lease")

		got := <-b
		assert.ErrorIs(t, got.err, context.DeadlineExceeded,
			"worker b waited a minute and should have got nothing: msg-1 was acked at 1s, so it is done and "+
				"never delivered again; b got %+v", got.d)
		assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(q.Stats()), "an acked message is counted Acked, and is nowhere else")
	})
}

func TestRenewingKeepsTheMessageHiddenForAnotherLease(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		q := delivery.NewQueue(delivery.Config{Lease: 3 * time.Second})
		q.Put("export the year's orders")

		d := mustReceive(t, q, start)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		b := goReceive(ctx, q, start)
		at(start, 2*time.Second)
		require.NoError(t, q.Renew(d), "a renews at 2s, inside its lease (which ends at 3s)")
		at(start, 4*time.Second)
		require.NoError(t, q.Renew(d), "a renews at 4s, inside the lease it renewed at 2s (which ends at 5s)")
		// a stops renewing: the lease it renewed at 4s ends at 7s.

		at(start, 7*time.Second-time.Nanosecond)
		if got, ok := tryGet(b); ok {
			require.Failf(t, "redelivered while a renewed",
				"worker b got %s (try %d) at %v, while a held it: a renewed at 2s and at 4s, and each renewal "+
					"hides the message for another 3s from that moment, until 7s", got.d.ID, got.d.Attempt, got.at)
		}
		at(start, 7*time.Second)
		got, ok := tryGet(b)
		require.True(t, ok,
			"a's last renewal, at 4s, kept the message until 7s; at 7s it should go to worker b, who has waited "+
				"since 0s")
		require.NoError(t, got.err)
		assert.Equal(t, 2, got.d.Attempt, "b gets the message's second delivery")
	})
}

func TestARenewalAtTheVeryEndOfTheLeaseIsTooLate(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		q := delivery.NewQueue(delivery.Config{Lease: 3 * time.Second})
		q.Put("charge order-1")

		d := mustReceive(t, q, start)
		at(start, 3*time.Second-time.Nanosecond)
		require.NoError(t, q.Renew(d), "at 2.999999999s the lease (0s to 3s) has not ended yet: Renew should work")
		// Now the lease ends at 5.999999999s.
		at(start, 6*time.Second-time.Nanosecond)
		err := q.Renew(d)
		assert.ErrorIs(t, err, delivery.ErrLeaseLost,
			"the renewed lease ends at 5.999999999s, and Renew came at that very instant: a lease covers "+
				"[start, end), so at its end it is over, the message is visible again, and Renew must fail with "+
				"ErrLeaseLost (compare with !now.Before(end), not now.After(end))")
		assert.Equal(t, stats{Accepted: 1, Queued: 1}, placesOf(q.Stats()),
			"at the instant its lease ends, the message is back in line: Queued, not Leased")
		again := mustReceive(t, q, start)
		assert.Equal(t, 2, again.Attempt, "the message is visible at the lease's end, for its second delivery")
	})
}

func TestAReceiveThatGivesUpTakesNothing(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		q := delivery.NewQueue(delivery.Config{Lease: 3 * time.Second})

		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		got := <-goReceive(ctx, q, start)
		assert.ErrorIs(t, got.err, context.DeadlineExceeded, "nothing was put: Receive should give up when its ctx ends")
		assert.Equal(t, 2*time.Second, got.at, "the worker's ctx ended at 2s: Receive should return at that instant")

		at(start, 5*time.Second)
		q.Put("charge order-1")
		stopped, stop := context.WithCancel(t.Context())
		stop()
		gone := <-goReceive(stopped, q, start)
		assert.ErrorIs(t, gone.err, context.Canceled, "a Receive whose ctx is already done should not take a message")
		assert.Equal(t, stats{Accepted: 1, Queued: 1}, placesOf(q.Stats()),
			"a Receive that gave up must leave the message in line, not lease it to nobody")
		d := mustReceive(t, q, start)
		assert.Equal(t, 1, d.Attempt, "the next worker gets the message's first delivery")
	})
}

func TestALeaseMustBePositive(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		for _, lease := range []time.Duration{0, -time.Second} {
			assert.Panics(t, func() { delivery.NewQueue(delivery.Config{Lease: lease}) },
				"a lease of %v would end as it begins: every message would be visible again at the instant it was "+
					"received, for every worker at once. NewQueue should refuse it (panic)", lease)
		}
		assert.NotPanics(t, func() { delivery.NewQueue(delivery.Config{Lease: time.Nanosecond}) },
			"a lease of 1ns is short, but it is a lease")
	})
}

// Exercise 2: the worker's side. Ack after the work, renew while it lasts,
// give the message back when the work fails or stops.

func TestACrashAfterTheEffectMakesItHappenTwice(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, delivery.Config{Lease: 3 * time.Second})
		r.q.Put("order-1")
		// Try 1 charges the card at 0.5s and dies before it can ack;
		// try 2 charges it again and is done.
		plans := func(d delivery.Delivery) plan {
			if d.Attempt == 1 {
				return plan{work: 500 * time.Millisecond, charge: true, end: die}
			}
			return plan{work: 500 * time.Millisecond, charge: true}
		}
		a := r.goWorker("a", plans)
		at(r.start, 100*time.Millisecond)
		r.goWorker("b", plans)

		at(r.start, 4*time.Second)
		picture := r.picture()
		timeline.Keep(t, "at-least-once", picture)
		at(r.start, time.Minute)

		require.True(t, a.died, "worker a should have died in its first handling\n%s", picture)
		assert.Equal(t, 2, r.charges.Count("order-1"),
			"one message, and the card should be charged twice: a charged it at 0.5s and died before acking; its "+
				"lease ran out at 3s, b got the message again and charged again at 3.5s. That is at-least-once "+
				"delivery made visible: nothing is lost, and some things happen twice (exercise 3 makes the second "+
				"charge harmless). Charged %d times\n%s", r.charges.Count("order-1"), picture)
		assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(r.q.Stats()),
			"b's handling succeeded at 3.5s: Consume should ack it then\n%s", picture)
		assert.Equal(t, 2, r.q.Stats().Deliveries, "two deliveries: a's, and b's after a's lease ran out\n%s", picture)
	})
}

func TestAWorkerThatDiesBeforeTheEffectLosesNothing(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, delivery.Config{Lease: 3 * time.Second})
		r.q.Put("order-1")
		plans := func(d delivery.Delivery) plan {
			if d.Attempt == 1 {
				return plan{work: 500 * time.Millisecond, end: die} // dies before it charges
			}
			return plan{work: 500 * time.Millisecond, charge: true}
		}
		r.goWorker("a", plans)
		at(r.start, 100*time.Millisecond)
		r.goWorker("b", plans)

		at(r.start, 10*time.Second)
		assert.Equal(t, 1, r.charges.Count("order-1"),
			"a died at 0.5s before charging; the message should come back when a's lease ends (3s), and b should "+
				"charge once at 3.5s. Charged %d times. Does Consume ack before the work is done? Then a worker "+
				"that dies loses the message for good: at-most-once\n%s", r.charges.Count("order-1"), r.picture())
		assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(r.q.Stats()),
			"the message should be acked once, by b, after it charged\n%s", r.picture())
	})
}

func TestALongJobIsRenewedAndNeverRedelivered(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, delivery.Config{Lease: 3 * time.Second})
		r.q.Put("export the year's orders")
		plans := func(d delivery.Delivery) plan { return plan{work: 10500 * time.Millisecond, charge: true} }
		r.goWorker("a", plans)
		at(r.start, 100*time.Millisecond)
		r.goWorker("b", plans)

		at(r.start, 10*time.Second)
		during := r.q.Stats()
		at(r.start, time.Minute)
		assert.Equal(t, 1, r.q.Stats().Deliveries,
			"the job takes 10.5s and the lease 3s: while a works, Consume should renew the lease (every 1s, a "+
				"third of it), so that the message is never handed to b. It was delivered %d times\n%s",
			r.q.Stats().Deliveries, r.picture())
		assert.Equal(t, stats{Accepted: 1, Leased: 1}, placesOf(during), "at 10s a is still at work, under its renewed lease\n%s", r.picture())
		assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(r.q.Stats()), "a acks at 10.5s\n%s", r.picture())
		assert.Equal(t, 1, r.charges.Count("export the year's orders"), "the job's effect should happen once\n%s", r.picture())
	})
}

func TestAWorkerThatDiesStopsRenewing(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, delivery.Config{Lease: 3 * time.Second})
		r.q.Put("order-1")
		plans := func(d delivery.Delivery) plan {
			if d.Attempt == 1 {
				return plan{work: 5500 * time.Millisecond, end: die}
			}
			return plan{work: 500 * time.Millisecond, charge: true}
		}
		r.goWorker("a", plans)
		at(r.start, 100*time.Millisecond)
		b := goReceiveVia(r, "b")

		at(r.start, time.Minute)
		got, ok := tryGet(b)
		require.True(t, ok,
			"worker b, waiting since 0.1s, never got the message: a died at 5.5s, but its lease never ran out. "+
				"Does a heartbeat outlive its worker? A worker whose goroutine ends, however it ends, must stop "+
				"renewing\n%s", r.picture())
		assert.Equal(t, 8*time.Second, got.at,
			"a renewed its lease every second while it worked (the last time at 5s, to 8s) and died at 5.5s: the "+
				"message should come back at exactly 8s, got %v\n%s", got.at, r.picture())
	})
}

// goReceiveVia starts a worker called name that receives one delivery,
// reports it, and acks it.
func goReceiveVia(r *rig, name string) <-chan received {
	ctx, cancel := context.WithCancel(context.Background())
	out := make(chan received, 1)
	done := make(chan struct{})
	r.mu.Lock()
	r.workers = append(r.workers, &worker{name: name, cancel: cancel, done: done})
	r.idle[name] = time.Now()
	r.mu.Unlock()
	go func() {
		defer close(done)
		d, err := r.q.Receive(ctx)
		r.mu.Lock()
		if err == nil {
			r.tl.Add(name+" waits", r.idle[name], time.Now())
			r.tl.Add(fmt.Sprintf("%s: %s try %d, acks", name, d.Body, d.Attempt), time.Now(), time.Now())
		}
		delete(r.idle, name)
		r.mu.Unlock()
		out <- received{d: d, err: err, at: since(r.start)}
		if err == nil {
			_ = r.q.Ack(d)
		}
	}()
	return out
}

func TestAFailedJobIsGivenBackAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, delivery.Config{Lease: 3 * time.Second})
		r.q.Put("order-1")
		var tries []time.Duration
		var mu sync.Mutex
		r.goWorker("a", func(d delivery.Delivery) plan {
			mu.Lock()
			tries = append(tries, since(r.start))
			mu.Unlock()
			if d.Attempt == 1 {
				return plan{work: 1500 * time.Millisecond, end: fail}
			}
			return plan{work: 500 * time.Millisecond, charge: true}
		})

		at(r.start, time.Minute)
		mu.Lock()
		defer mu.Unlock()
		assert.Equal(t, []time.Duration{0, 1500 * time.Millisecond}, tries,
			"when each try began. Try 1 failed at 1.5s: Consume should nack it, so that the message is visible "+
				"again at once and tried again at 1.5s, not left to wait for its lease to run out (3s), nor acked "+
				"as if it had worked\n%s", r.picture())
		assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(r.q.Stats()), "try 2 worked and was acked\n%s", r.picture())
		assert.Equal(t, 1, r.charges.Count("order-1"), "only try 2 charged\n%s", r.picture())
	})
}

func TestAStoppingWorkerGivesItsMessageBack(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, delivery.Config{Lease: 3 * time.Second})
		r.q.Put("order-1")
		a := r.goWorker("a", func(d delivery.Delivery) plan { return plan{work: 10 * time.Second, charge: true} })
		at(r.start, 100*time.Millisecond)
		b := goReceiveVia(r, "b")

		at(r.start, 1500*time.Millisecond)
		a.cancel() // the process is shutting down: a's job is cancelled
		select {
		case <-a.done:
		case <-time.After(patience):
			require.Fail(t, "Consume did not return", "a's ctx was cancelled at 1.5s; Consume should return\n%s", r.picture())
		}
		assert.Equal(t, 1500*time.Millisecond, a.ended, "a's ctx ended at 1.5s; Consume should return then\n%s", r.picture())
		assert.ErrorIs(t, a.err, context.Canceled, "Consume should return ctx.Err() once its ctx is done")

		got, ok := awaitReceived(b)
		require.True(t, ok,
			"a was stopped at 1.5s in the middle of its job; worker b, waiting since 0.1s, should get the message "+
				"then, and still had nothing after %v: the message was lost\n%s", patience, r.picture())
		require.NoError(t, got.err)
		assert.Equal(t, 1500*time.Millisecond, got.at,
			"a stopped at 1.5s in the middle of its job and should give the message back then (nack it), so that "+
				"worker b, waiting since 0.1s, gets it at once; b got it at %v. A stopping worker's lease is a "+
				"resource like any other: give it back on every path\n%s", got.at, r.picture())
		assert.Zero(t, r.charges.Count("order-1"), "a was stopped before it charged")
	})
}

// Exercise 3: idempotent effects. A store of keys makes the effect happen
// once, however many times it is asked for.

// charging is an effect that works for d, then charges the card for key
// with the store's token as its fencing token.
func charging(charges *effect.Store, key string, d time.Duration) delivery.Effect {
	return func(ctx context.Context, token delivery.Token) (string, error) {
		if err := sleep(ctx, d); err != nil {
			return "", err
		}
		return charges.Fenced(key, uint64(token))
	}
}

// An outcome is what one Once returned, and when.
type outcome struct {
	result string
	err    error
	at     time.Duration
}

// goOnce calls Once in a goroutine of its own, as a client or a worker
// would; the answer arrives on the returned channel.
func goOnce(ctx context.Context, s *delivery.Store, key string, e delivery.Effect, start time.Time) <-chan outcome {
	out := make(chan outcome, 1)
	go func() {
		result, err := s.Once(ctx, key, e)
		out <- outcome{result: result, err: err, at: time.Since(start)}
	}()
	return out
}

// await waits for an outcome, for at most patience.
func await(t *testing.T, c <-chan outcome, what string) outcome {
	t.Helper()
	select {
	case o := <-c:
		return o
	case <-time.After(patience):
		t.Fatalf("%s was still waiting in Once after %v", what, patience)
		return outcome{}
	}
}

func TestADuplicateGetsTheStoredResultWithoutTheEffect(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)

		first := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the first call")
		require.NoError(t, first.err)
		at(start, 2*time.Second)
		again := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the duplicate")
		other := await(t, goOnce(t.Context(), s, "order-2", charging(charges, "order-2", time.Second), start), "another key")

		assert.Equal(t, "charge #1 for order-1", first.result, "the first call charges the card and returns the receipt")
		assert.Equal(t, 1, charges.Count("order-1"),
			"order-1 was charged %d times: the duplicate at 2s came after the first charge was done, and should get the "+
				"stored receipt without charging again\n%s", charges.Count("order-1"), charges.Table(start))
		require.NoError(t, again.err)
		assert.Equal(t, first.result, again.result, "the duplicate should get the first call's receipt")
		assert.Equal(t, 2*time.Second, again.at, "a done key is answered at once: the duplicate should not wait")
		require.NoError(t, other.err)
		assert.Equal(t, "charge #2 for order-2", other.result, "another key is another effect: order-2 should be charged")
		assert.Equal(t, 3*time.Second, other.at, "order-2's charge takes 1s, from 2s")
	})
}

func TestAHundredConcurrentDuplicatesRunTheEffectOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const duplicates = 100
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)

		// A client retried, a message was redelivered, a user clicked twice:
		// a hundred callers ask for the same charge at the same instant.
		// They start together, with no synctest.Wait between them, so that
		// a look at the key and its reservation in two critical sections
		// (or a read outside the lock) shows.
		gate := make(chan struct{})
		var outs []<-chan outcome
		for range duplicates {
			out := make(chan outcome, 1)
			go func() {
				<-gate
				result, err := s.Once(t.Context(), "order-1", charging(charges, "order-1", time.Second))
				out <- outcome{result: result, err: err, at: time.Since(start)}
			}()
			outs = append(outs, out)
		}
		close(gate)
		var got []outcome
		for i, c := range outs {
			got = append(got, await(t, c, fmt.Sprintf("duplicate %d", i+1)))
		}

		require.Equal(t, 1, charges.Count("order-1"),
			"%d callers asked for the charge of order-1 at the same instant, and the card was charged %d times: "+
				"exactly one caller should reserve the key and charge; the others should wait for it. Look up the "+
				"key and reserve it in the same critical section\n%s", duplicates, charges.Count("order-1"), charges.Table(start))
		for i, o := range got {
			require.NoError(t, o.err, "duplicate %d", i+1)
			require.Equal(t, "charge #1 for order-1", o.result, "duplicate %d should get the one receipt", i+1)
			require.Equal(t, time.Second, o.at,
				"duplicate %d returned at %v: the charge took 1s, and every duplicate should get its receipt the moment it "+
					"is stored, not before and not at the end of the owner's hold", i+1, o.at)
		}
	})
}

func TestAFailedEffectGivesTheKeyUpForARetry(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name  string
		ctx   func(context.Context) (context.Context, context.CancelFunc)
		takes time.Duration // how long the failing effect works before it fails
		fails error
	}{
		{
			name:  "the effect fails",
			ctx:   func(ctx context.Context) (context.Context, context.CancelFunc) { return context.WithCancel(ctx) },
			takes: time.Second,
			fails: errFailed,
		},
		{
			name: "the owner's caller gives up",
			ctx: func(ctx context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(ctx, time.Second)
			},
			takes: 5 * time.Second,
			fails: context.DeadlineExceeded,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				charges := effect.New("charge")
				s := delivery.NewStore(10 * time.Second)
				ctx, cancel := tc.ctx(t.Context())
				defer cancel()
				var runs atomic.Int32
				failing := func(ctx context.Context, token delivery.Token) (string, error) {
					runs.Add(1)
					if err := sleep(ctx, tc.takes); err != nil {
						return "", err
					}
					return "", errFailed
				}

				owner := goOnce(ctx, s, "order-1", failing, start)
				at(start, 500*time.Millisecond)
				waiter := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start)
				o := await(t, owner, "the owner")
				w := await(t, waiter, "the duplicate")
				at(start, 3*time.Second)
				later := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the later call")

				assert.ErrorIs(t, o.err, tc.fails, "the owner's Once should return what went wrong")
				assert.Equal(t, time.Second, o.at, "the owner's attempt ended at 1s")
				require.NoError(t, w.err,
					"the duplicate, waiting since 0.5s, should take the key over when the owner gave it up at 1s, and "+
						"charge; got %v", w.err)
				assert.Equal(t, 2*time.Second, w.at,
					"the owner gave the key up at 1s: the duplicate waiting for it should take over at once and charge "+
						"by 2s, not wait for the owner's hold to end (10s). It returned at %v\n%s", w.at, charges.Table(start))
				assert.Equal(t, "charge #1 for order-1", w.result, "the duplicate's charge is the first that happened")
				require.NoError(t, later.err)
				assert.Equal(t, w.result, later.result, "a call at 3s should get the stored receipt")
				assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
				assert.Equal(t, int32(1), runs.Load(), "the failed effect ran once")
			})
		})
	}
}

func TestAHoldMustBePositive(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		for _, hold := range []time.Duration{0, -time.Second} {
			assert.Panics(t, func() { delivery.NewStore(hold) },
				"a hold of %v would end as it begins: every duplicate would take the key over from an owner still "+
					"at work, and run the effect again. NewStore should refuse it (panic)", hold)
		}
		assert.NotPanics(t, func() { delivery.NewStore(time.Nanosecond) }, "a hold of 1ns is short, but it is a hold")
	})
}

// paused is an effect whose owner stops at the start and never comes back
// until release is closed (at the end of the test): a crashed worker and a
// paused one look the same from outside. Then it returns errFailed without
// charging.
func paused(release <-chan struct{}) delivery.Effect {
	return func(ctx context.Context, token delivery.Token) (string, error) {
		<-release
		return "", errFailed
	}
}

func TestAnOwnerThatVanishedIsTakenOverWhenItsHoldEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(5 * time.Second)
		release := make(chan struct{})
		var once sync.Once
		comeBack := func() { once.Do(func() { close(release) }) }
		defer comeBack()

		gone := goOnce(t.Context(), s, "order-1", paused(release), start)
		at(start, time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		dup := goOnce(ctx, s, "order-1", charging(charges, "order-1", time.Second), start)
		at(start, 5*time.Second-time.Nanosecond)
		got, early := tryOutcome(dup)
		if !early {
			got = await(t, dup, "the duplicate")
		}
		comeBack()
		await(t, gone, "the owner that vanished")
		after := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "a later call")

		assert.False(t, early, "the duplicate should wait while the owner's hold lasts (0s to 5s)")
		require.NoError(t, got.err,
			"the owner reserved order-1 at 0s and vanished (crashed, or paused: from outside they look the same). "+
				"Its hold ended at 5s: the duplicate, waiting since 1s, should take the key over then and charge. "+
				"A reservation without an expiry blocks its key for ever\n%s", charges.Table(start))
		assert.Equal(t, 6*time.Second, got.at, "the duplicate should take over at exactly 5s and charge by 6s")
		assert.Equal(t, "charge #1 for order-1", got.result)
		require.NoError(t, after.err, "the key is done: a later call gets its receipt")
		assert.Equal(t, got.result, after.result,
			"a later call should get the receipt of the charge that happened, whatever the owner that vanished did "+
				"when it came back")
		assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
	})
}

// tryOutcome returns what arrived on c, if anything has.
func tryOutcome(c <-chan outcome) (outcome, bool) {
	select {
	case o := <-c:
		return o, true
	default:
		return outcome{}, false
	}
}

func TestADuplicateThatStopsWaitingLeavesTheReservationAlone(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)

		owner := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", 3*time.Second), start)
		at(start, 500*time.Millisecond)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		impatient := goOnce(ctx, s, "order-1", charging(charges, "order-1", time.Second), start)
		at(start, 2*time.Second)
		patient := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start)

		i := await(t, impatient, "the impatient duplicate")
		o := await(t, owner, "the owner")
		p := await(t, patient, "the patient duplicate")

		assert.ErrorIs(t, i.err, context.DeadlineExceeded, "the impatient duplicate's ctx ended while it waited")
		assert.Equal(t, 1500*time.Millisecond, i.at,
			"the impatient duplicate came at 0.5s with 1s to wait: it should give up at 1.5s, not wait for the "+
				"owner (3s). Wait in a select with ctx.Done()")
		require.NoError(t, o.err)
		require.NoError(t, p.err)
		assert.Equal(t, o.result, p.result,
			"the patient duplicate came at 2s and should get the owner's receipt at 3s: the one that gave up must "+
				"leave the reservation as it was\n%s", charges.Table(start))
		assert.Equal(t, 3*time.Second, p.at, "the patient duplicate should get the receipt the moment it is stored, at 3s")
		assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
	})
}

// A crash point is where a worker dies while it handles a message with a
// Store: the handler's steps are receive, reserve the key, charge, store
// the receipt, ack.
type crashPoint struct {
	name    string
	charges int // how many times the card is charged in the end
	why     string
}

var crashPoints = []crashPoint{
	{"before reserving", 1, "nothing done: the redelivery does it"},
	{"reserved, not charged", 1, "taken over when the hold ends"},
	{"charged, receipt not stored", 2, "the window: nobody knows it charged"},
	{"receipt stored, not acked", 1, "the redelivery gets the receipt"},
}

func TestACrashAtEachPointChargesAsOftenAsTheTableSays(t *testing.T) {
	defer goleak.VerifyNone(t)
	rows := [][]string{{"worker a dies", "charges", "acked", "why"}}
	var mu sync.Mutex
	for i, cp := range crashPoints {
		t.Run(cp.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, delivery.Config{Lease: 3 * time.Second})
				s := delivery.NewStore(5 * time.Second)
				r.q.Put("order-1")
				handler := func(ctx context.Context, d delivery.Delivery) error {
					crash := d.Attempt == 1
					if err := sleep(ctx, 500*time.Millisecond); err != nil {
						return err
					}
					if crash && i == 0 {
						runtime.Goexit()
					}
					_, err := s.Once(ctx, d.Body, func(ctx context.Context, token delivery.Token) (string, error) {
						if crash && i == 1 {
							runtime.Goexit()
						}
						receipt := r.charge(d.Body)
						if crash && i == 2 {
							runtime.Goexit()
						}
						return receipt, nil
					})
					if crash && i == 3 {
						runtime.Goexit()
					}
					return err
				}
				r.goConsume("a", handler)
				at(r.start, 100*time.Millisecond)
				r.goConsume("b", handler)

				at(r.start, time.Minute)
				st := r.q.Stats()
				mu.Lock()
				rows = append(rows, []string{cp.name, fmt.Sprint(r.charges.Count("order-1")), fmt.Sprint(st.Acked), cp.why})
				mu.Unlock()
				assert.Equal(t, cp.charges, r.charges.Count("order-1"),
					"worker a died (%s): the card should be charged %d time(s) in the end (%s); it was charged %d times. "+
						"The steps: receive, reserve the key, charge, store the receipt, ack\n%s",
					cp.name, cp.charges, cp.why, r.charges.Count("order-1"), r.picture())
				assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(st),
					"worker b handles the redelivery and acks it\n%s", r.picture())
			})
		})
	}
	picture := table(rows)
	timeline.Keep(t, "crash-points", picture)
	t.Logf("where worker a dies, and what happens to order-1:\n%s", picture)
}

// Exercise 4: fencing. A worker that was only slow comes back after its
// lease ended; what it does then must change nothing.

func TestAWorkerWhoseLeaseEndedCanNeitherAckNorRenew(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		q := delivery.NewQueue(delivery.Config{Lease: 3 * time.Second})
		q.Put("order-1")

		slow := mustReceive(t, q, start) // a: paused by a long GC, a full disk, a partition…
		at(start, 3500*time.Millisecond)
		err := q.Ack(slow)
		assert.ErrorIs(t, err, delivery.ErrLeaseLost,
			"a's lease ended at 3s; at 3.5s it is back in line, and a's ack must be refused with ErrLeaseLost: a "+
				"holds nothing any more")
		assert.Equal(t, stats{Accepted: 1, Queued: 1}, placesOf(q.Stats()), "a refused ack changes nothing: msg-1 is still in line")

		at(start, 4*time.Second)
		b := mustReceive(t, q, start)
		assert.Greater(t, b.Token, slow.Token,
			"b's lease is newer than a's: its fencing token should be larger (a had %d, b got %d)", slow.Token, b.Token)

		at(start, 5*time.Second) // a comes back, while b holds the message
		for name, call := range map[string]func() error{
			"Ack":   func() error { return q.Ack(slow) },
			"Renew": func() error { return q.Renew(slow) },
			"Nack":  func() error { return q.Nack(slow, errFailed) },
		} {
			assert.ErrorIs(t, call(), delivery.ErrLeaseLost,
				"at 5s a (token %d) comes back and calls %s, while b (token %d) holds the message: refuse it with "+
					"ErrLeaseLost. Check the delivery's token, not only the message's ID, or a stale worker acks, "+
					"renews or gives back a message someone else is working on", slow.Token, name, b.Token)
		}
		assert.Equal(t, stats{Accepted: 1, Leased: 1}, placesOf(q.Stats()),
			"after a's stale calls, b still holds the message, and nothing else changed")

		at(start, 6*time.Second)
		require.NoError(t, q.Ack(b), "b holds the current lease: its ack works")
		assert.ErrorIs(t, q.Ack(b), delivery.ErrLeaseLost, "a second ack of the same delivery: the message is done, nothing is held")
		assert.ErrorIs(t, q.Ack(slow), delivery.ErrLeaseLost, "a's ack after b's: refused")
		assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(q.Stats()), "one message, acked once")
	})
}

func TestAnOwnerThatWasOnlySlowCannotWriteOverTheOneThatTookOver(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name string
		late func(charges *effect.Store) delivery.Effect // the slow owner's effect
	}{
		{
			name: "its charge is refused by the fenced resource",
			late: func(charges *effect.Store) delivery.Effect { return charging(charges, "order-1", 8*time.Second) },
		},
		{
			name: "it returns a result of its own",
			late: func(*effect.Store) delivery.Effect {
				return func(ctx context.Context, token delivery.Token) (string, error) {
					if err := sleep(ctx, 8*time.Second); err != nil {
						return "", err
					}
					return "a receipt nobody charged", nil
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				tl := timeline.New()
				charges := effect.New("charge")
				s := delivery.NewStore(5 * time.Second)

				// 8s of work: longer than its 5s hold.
				slow := goOnce(t.Context(), s, "order-1", drawnEffect(tl, "  its effect", tc.late(charges)), start)
				at(start, time.Second)
				fast := goOnce(t.Context(), s, "order-1", drawnEffect(tl, "  its effect", charging(charges, "order-1", time.Second)), start)
				f := await(t, fast, "the owner that took over")
				sl := await(t, slow, "the slow owner")
				// Each caller's Once, with the effects that ran under it.
				rows := []timeline.Span{{Who: "slow owner's Once: " + short(sl), Start: start, End: start.Add(sl.at)}}
				var dup []timeline.Span
				for _, e := range tl.Spans() {
					if e.Start.Before(start.Add(time.Second)) {
						rows = append(rows, e)
					} else {
						dup = append(dup, e)
					}
				}
				rows = append(rows, timeline.Span{Who: "duplicate's Once: " + short(f), Start: start.Add(time.Second), End: start.Add(f.at)})
				picture := timeline.Render(start, time.Now(), append(rows, dup...)) + "the card:\n" + charges.Table(start)
				at(start, 9*time.Second)
				later := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "a later call")
				if tc.name == "its charge is refused by the fenced resource" {
					timeline.Keep(t, "fencing", picture)
				}

				require.NoError(t, f.err, "the duplicate took over at 5s and charged\n%s", picture)
				assert.Equal(t, 6*time.Second, f.at,
					"the duplicate takes over when the slow owner's hold ends (5s) and charges by 6s\n%s", picture)
				assert.ErrorIs(t, sl.err, delivery.ErrLeaseLost,
					"the slow owner's hold ended at 5s and its key was taken over; when its effect ended at 8s, its "+
						"Once should fail with ErrLeaseLost, whatever its effect returned (got %q, %v)\n%s", sl.result, sl.err, picture)
				require.NoError(t, later.err)
				assert.Equal(t, f.result, later.result,
					"a call at 9s should get the receipt of the owner that took over: the slow owner, back at 8s, must "+
						"neither overwrite it nor give the key up\n%s", picture)
				assert.Equal(t, 1, charges.Count("order-1"),
					"the card should be charged once. The owner that took over got a newer token than the slow one, "+
						"so the card's fenced write refused the slow owner's charge at 8s\n%s", picture)
			})
		})
	}
}

// drawnEffect wraps e so that each run of it is a span on tl, named with
// the token it got.
func drawnEffect(tl *timeline.Timeline, name string, e delivery.Effect) delivery.Effect {
	return func(ctx context.Context, token delivery.Token) (string, error) {
		defer tl.Begin(fmt.Sprintf("%s, token %d", name, token))()
		return e(ctx, token)
	}
}

// short says in a few words what a Once returned.
func short(o outcome) string {
	switch {
	case errors.Is(o.err, delivery.ErrLeaseLost):
		return "ErrLeaseLost"
	case o.err != nil:
		return "error"
	}
	return fmt.Sprintf("%q", o.result)
}

// Exercise 5: dead letters. A message that fails every time stops going
// round, and nothing is lost on the way.

func TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, maxDeliver := range []int{1, 3} {
		t.Run(fmt.Sprintf("MaxDeliver=%d", maxDeliver), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, delivery.Config{Lease: 3 * time.Second, MaxDeliver: maxDeliver})
				poison := r.q.Put("poison")
				var tries atomic.Int32
				r.goWorker("a", func(d delivery.Delivery) plan {
					if d.Body == "poison" {
						tries.Add(1)
						return plan{work: 1500 * time.Millisecond, end: fail}
					}
					return plan{work: 500 * time.Millisecond, charge: true}
				})
				deadAt := time.Duration(maxDeliver) * 1500 * time.Millisecond

				at(r.start, deadAt-time.Nanosecond)
				before := r.q.Stats()
				at(r.start, deadAt)
				then := r.q.Stats()
				r.q.Put("order-2")
				at(r.start, deadAt+time.Second)
				picture := r.picture()
				if maxDeliver == 3 {
					timeline.Keep(t, "poison", picture)
				}
				at(r.start, time.Minute)

				assert.Equal(t, int32(maxDeliver), tries.Load(),
					"the poison message fails every time: with MaxDeliver %d it should be tried %d times, then set "+
						"aside; it was tried %d times in a minute. Count deliveries per message, and keep counting "+
						"when it comes back\n%s", maxDeliver, maxDeliver, tries.Load(), picture)
				dead := r.q.DeadLetters()
				require.Len(t, dead, 1, "the poison message should be among the dead letters\n%s", picture)
				assert.Equal(t, poison, dead[0].ID)
				assert.Equal(t, "poison", dead[0].Body)
				assert.Equal(t, maxDeliver, dead[0].Deliveries, "the dead letter says how many deliveries it had")
				assert.ErrorIs(t, dead[0].Err, errFailed, "the dead letter carries the error of its last delivery")
				assert.Contains(t, fmt.Sprint(dead[0].Err), fmt.Sprintf("try %d:", maxDeliver),
					"the dead letter's error should be its last delivery's (try %d), not the first one's", maxDeliver)
				assert.Equal(t, stats{Accepted: 1, Leased: 1}, placesOf(before),
					"just before its last try fails, the poison message is leased\n%s", picture)
				assert.Equal(t, stats{Accepted: 1, DeadLettered: 1}, placesOf(then),
					"the moment its last try failed (%v), the poison message should be dead-lettered, not queued again\n%s",
					deadAt, picture)
				assert.Equal(t, stats{Accepted: 2, Acked: 1, DeadLettered: 1}, placesOf(r.q.Stats()),
					"the worker is not stuck on the poison message: order-2 is done\n%s", picture)
			})
		})
	}
}

func TestALeaseThatRunsOutCountsAsADelivery(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		q := delivery.NewQueue(delivery.Config{Lease: 3 * time.Second, MaxDeliver: 2})
		q.Put("order-1")

		mustReceive(t, q, start) // a dies with it
		at(start, 3*time.Second)
		mustReceive(t, q, start) // b dies with it too
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		c := goReceive(ctx, q, start)
		at(start, 6*time.Second-time.Nanosecond)
		before := q.Stats()
		at(start, 6*time.Second)
		then := q.Stats()
		dead := q.DeadLetters()
		at(start, time.Minute)
		got, ok := tryGet(c)

		assert.False(t, ok, "worker c should never get the message: its second delivery was its last; c got %+v", got.d)
		assert.Equal(t, stats{Accepted: 1, Leased: 1}, placesOf(before), "at 5.999999999s b's lease has not ended")
		assert.Equal(t, stats{Accepted: 1, DeadLettered: 1}, placesOf(then),
			"b's lease, the message's second and last (MaxDeliver 2), ran out at 6s: the message should go to the "+
				"dead letters at that instant. A lease that runs out is a delivery that failed")
		require.Len(t, dead, 1, "the message should be among the dead letters at 6s")
		assert.ErrorIs(t, dead[0].Err, delivery.ErrLeaseExpired, "its last error: the lease expired without an ack")
		assert.Equal(t, 2, dead[0].Deliveries)
	})
}

func TestNothingIsLostAtAnyInstant(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, delivery.Config{Lease: 3 * time.Second, MaxDeliver: 3})
		// good jobs, jobs that fail once, poison, and jobs that kill their
		// worker the first time.
		for i := range 4 {
			r.q.Put(fmt.Sprintf("good-%d", i))
			r.q.Put(fmt.Sprintf("flaky-%d", i))
		}
		r.q.Put("poison-1")
		r.q.Put("deadly-1")
		r.q.Put("poison-2")
		r.q.Put("deadly-2")
		plans := func(d delivery.Delivery) plan {
			switch {
			case strings.HasPrefix(d.Body, "poison"):
				return plan{work: 700 * time.Millisecond, end: fail}
			case strings.HasPrefix(d.Body, "flaky") && d.Attempt == 1:
				return plan{work: 300 * time.Millisecond, end: fail}
			case strings.HasPrefix(d.Body, "deadly") && d.Attempt == 1:
				return plan{work: 400 * time.Millisecond, end: die}
			}
			return plan{work: 900 * time.Millisecond, charge: true}
		}
		for i := range 5 {
			r.goWorker(fmt.Sprintf("w%d", i+1), plans)
		}

		var broken []string
		for step := range 300 { // every 100ms for 30s
			at(r.start, time.Duration(step)*100*time.Millisecond)
			if st := r.q.Stats(); !balanced(st) || len(r.q.DeadLetters()) != st.DeadLettered {
				broken = append(broken, fmt.Sprintf("at %v: %+v", since(r.start), placesOf(st)))
			}
		}

		assert.Empty(t, broken,
			"at every instant, every message Put should be in exactly one place: Accepted = Queued + Leased + "+
				"Acked + DeadLettered, and DeadLetters() should hold DeadLettered messages\n%s", r.picture())
		assert.Equal(t, stats{Accepted: 12, Acked: 10, DeadLettered: 2}, placesOf(r.q.Stats()),
			"in the end, the 10 jobs that can work are acked and the 2 poison ones are dead letters\n%s", r.picture())
		for i := range 4 {
			for _, kind := range []string{"good", "flaky"} {
				key := fmt.Sprintf("%s-%d", kind, i)
				assert.Equal(t, 1, r.charges.Count(key), "%s should be charged once", key)
			}
		}
		for _, key := range []string{"deadly-1", "deadly-2"} {
			assert.Equal(t, 1, r.charges.Count(key), "%s killed its first worker before charging, and was charged once after", key)
		}
	})
}

func TestManyWorkersShareTheQueueWithoutARace(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const workers, rounds, looks = 6, 100, 500
		q := delivery.NewQueue(delivery.Config{Lease: time.Minute, MaxDeliver: 2})
		var wg sync.WaitGroup
		var mu sync.Mutex
		var broken []string
		// Workers and three onlookers start together and really overlap: no
		// synctest.Wait between their calls, and the onlookers do nothing
		// but look, so that a read of the queue's state outside its lock,
		// or a look and a change in two critical sections, shows under
		// -race.
		gate := make(chan struct{})
		for w := range workers {
			wg.Go(func() {
				<-gate
				for i := range rounds {
					q.Put(fmt.Sprintf("w%d-%d", w, i))
					ctx, cancel := context.WithTimeout(context.Background(), time.Second)
					d, err := q.Receive(ctx)
					cancel()
					if err != nil {
						runtime.Gosched()
						continue // a message that went to the dead letters used up a receive
					}
					_ = q.Renew(d)
					if (w+i)%2 == 0 {
						_ = q.Ack(d)
					} else {
						_ = q.Nack(d, errFailed)
					}
					runtime.Gosched() // let the others in: everyone takes turns, all along
				}
			})
		}
		for range 2 {
			wg.Go(func() {
				<-gate
				for range looks {
					if st := q.Stats(); !balanced(st) {
						mu.Lock()
						broken = append(broken, fmt.Sprintf("%+v", placesOf(st)))
						mu.Unlock()
					}
					runtime.Gosched() // let the workers in between: a yield, not a synchronisation
				}
			})
		}
		wg.Go(func() {
			<-gate
			for range looks {
				_ = q.DeadLetters()
				runtime.Gosched()
			}
		})
		close(gate)
		wg.Wait()

		st := q.Stats()
		assert.Empty(t, broken, "while %d workers shared the queue, Stats should always balance", workers)
		assert.Equal(t, workers*rounds, st.Accepted, "every Put counts")
		assert.True(t, balanced(st), "in the end, every message is in one place: %+v", placesOf(st))
		assert.Equal(t, st.DeadLettered, len(q.DeadLetters()), "DeadLetters() holds the dead-lettered messages")
	})
}

// BenchmarkDeliveryLoop measures jobs per second, in real time, through the
// queue with leases and acks, and through the least a queue can be: a
// buffered channel with the same number of goroutines receiving. The jobs
// do nothing, so what is measured is the cost of the hand-off. Run it with
//
//	go test -run '^$' -bench . ./lessons/09-delivery/
func BenchmarkDeliveryLoop(b *testing.B) {
	const workers, size = 4, 64
	channel := jobsPerSecond(b.N, func(n int) {
		jobs := make(chan string, size)
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for range jobs {
				}
			})
		}
		for range n {
			jobs <- "job"
		}
		close(jobs)
		wg.Wait()
	})
	leased := jobsPerSecond(b.N, func(n int) {
		q := delivery.NewQueue(delivery.Config{Lease: time.Minute})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var acked atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for {
					d, err := q.Receive(ctx)
					if err != nil {
						return
					}
					if q.Ack(d) == nil && acked.Add(1) == int64(n) {
						cancel()
					}
				}
			})
		}
		for range n {
			q.Put("job")
		}
		wg.Wait()
	})
	consumed := jobsPerSecond(b.N, func(n int) {
		q := delivery.NewQueue(delivery.Config{Lease: time.Minute})
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var handled atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				_ = delivery.Consume(ctx, q, func(context.Context, delivery.Delivery) error {
					if handled.Add(1) == int64(n) {
						cancel()
					}
					return nil
				})
			})
		}
		for range n {
			q.Put("job")
		}
		wg.Wait()
		if st := q.Stats(); st.Acked != n {
			b.Fatalf("%+v: every job should be acked", st)
		}
	})
	b.ReportMetric(channel, "chan-jobs/s")
	b.ReportMetric(leased, "leased-jobs/s")
	b.ReportMetric(consumed, "consume-jobs/s")
	b.ReportMetric(leased/channel, "leased/chan")
}

func jobsPerSecond(n int, run func(n int)) float64 {
	start := time.Now()
	run(n)
	return float64(n) / time.Since(start).Seconds()
}
