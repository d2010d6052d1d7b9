package capstone_test

import (
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	capstone "github.com/wherewaiting/workshop/lessons/11-capstone"
)

// Exercise 5: the outbound call composes deadline, bulkhead, breaker and
// budgeted retries.

func TestTheWarehouseIsToldTheTimeLeftNotAClock(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		id := r.accepted("k1", tea, capstone.TimeoutHeader, "3000") // at 0: fulfil within 3s
		at(r.origin, 2*time.Second)
		calls := r.wh.callList()
		require.Len(t, calls, 1, "the order should have reached the warehouse")
		c := calls[0]
		assert.Equal(t, 10*time.Millisecond, c.at, "the order is sent as soon as it is written down")
		assert.Equal(t, "2990", c.header.Get(capstone.TimeoutHeader),
			"sent at 10ms, an order that must be done within 3s has 2,990ms left: say so, relative, in %s; "+
				"an absolute time means something else to a clock that is off by a second", capstone.TimeoutHeader)
		for name, values := range c.header {
			for _, v := range values {
				for _, layout := range []string{time.RFC3339Nano, http.TimeFormat} {
					_, err := time.Parse(layout, v)
					assert.Error(t, err, "the header %s: %s is a point in time: the warehouse's clock is not ours; send the time left", name, v)
				}
			}
		}
		assert.Equal(t, id, c.header.Get("Idempotency-Key"),
			"the order's ID goes with it as the Idempotency-Key: a repeat after a lost answer must not reserve twice")
	})
}

func TestAnOrderWhoseDeadlinePassedWhileQueuedIsNotSent(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1}, 2*time.Second)
		defer r.stop()

		a := r.accepted("a", tea)                                    // sent at 10ms, done at 2.02s
		b := r.accepted("b", tea, capstone.TimeoutHeader, "1000")    // at 10ms: nobody waits after 1.01s
		c := r.accepted("c", tea, capstone.TimeoutHeader, "1000000") // waits, but has time
		at(r.origin, time.Minute)

		state, _, reason := r.result(b)
		assert.Equal(t, "expired", state,
			"order b's deadline (1.01s) passed while it waited behind a (until 2.02s): it is dropped, expired, never sent")
		assert.NotEmpty(t, reason, "the result says why it was not sent")
		assert.Zero(t, r.wh.callsFor(b), "nobody waits for order b any more: the warehouse should not be asked to reserve it")
		for _, id := range []string{a, c} {
			state, _, _ := r.result(id)
			assert.Equal(t, "done", state, "an order with time left is sent")
		}
	})
}

func TestTheWarehouseGetsAtMostBulkheadCallsAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 4, Bulkhead: 2}, time.Second)
		defer r.stop()

		var wg sync.WaitGroup
		for _, key := range []string{"a", "b", "c", "d"} {
			wg.Go(func() { r.accepted(key, tea) }) // all written down together at 10ms
		}
		wg.Wait()
		at(r.origin, time.Minute)

		var starts []time.Duration
		for _, c := range r.wh.callList() {
			starts = append(starts, c.at)
		}
		assert.Equal(t, 2, r.wh.peakInFlight(),
			"4 workers, a bulkhead of 2: at most 2 calls at the warehouse at once, the others wait for a slot")
		assert.Equal(t, []time.Duration{10 * time.Millisecond, 10 * time.Millisecond, 1010 * time.Millisecond, 1010 * time.Millisecond}, starts,
			"two calls at 10ms, two more as soon as the first two answer, at 1.01s")
	})
}

func TestRetriesToTheWarehouseSpendABudget(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// Requeue and RequeueCap of an hour: each order has one turn in this test.
		r := newRig(t, capstone.Config{Workers: 1, Quota: 100, Attempts: 3, RetryEvery: 10, BreakerAfter: 1000,
			Requeue: time.Hour, RequeueCap: time.Hour}, 10*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusServiceUnavailable } })

		for i := range 20 {
			r.accepted(string(rune('a'+i)), tea)
		}
		at(r.origin, time.Minute)
		calls := len(r.wh.callList())
		assert.Equal(t, 22, calls,
			"the warehouse is down and 20 orders came, up to 3 attempts each: with a budget of one retry per 10 orders "+
				"it hears 22 calls; it heard %d. Give Retry the service's Budget, or every failure triples the load on a dependency that is already failing", calls)
	})
}

func TestEachAttemptHasItsOwnTimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Attempts: 2, RetryEvery: 1, AttemptTimeout: time.Second}, 100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) {
			w.latencyOf = func(n int) time.Duration { return map[bool]time.Duration{true: time.Hour, false: w.latency}[n == 1] }
		})

		id := r.accepted("k1", tea, capstone.TimeoutHeader, "30000") // 30s to fulfil it
		at(r.origin, time.Minute)
		calls := r.wh.callList()
		require.Len(t, calls, 2, "the first call hangs: it should be cut at AttemptTimeout (1s), and tried again within the order's 30s")
		assert.Equal(t, "1000", calls[0].header.Get(capstone.TimeoutHeader),
			"an attempt has AttemptTimeout (1s) of the order's 30s: tell the warehouse the attempt's time left")
		assert.Equal(t, 1010*time.Millisecond, calls[0].ended,
			"the first call, sent at 10ms, hung, and should be cut at 1.01s: give each attempt its own timeout (context.WithTimeout inside the retry), "+
				"or one stuck call eats the whole deadline and every retry with it")
		assert.Equal(t, 1060*time.Millisecond, calls[1].at,
			"the retry should come in the same turn, at 1.06s, after a backoff of 50ms (half of BackoffBase, with Rand 0.5); it came at %v. "+
				"Later than that, the first attempt's timeout ended the whole turn, and the order waited for its next: "+
				"the timeout goes inside the retry, one for each attempt", calls[1].at)
		state, _, _ := r.result(id)
		assert.Equal(t, "done", state, "the second attempt reserved the order")
	})
}

func TestABackoffDoesNotHoldABulkheadSlot(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 2, Bulkhead: 1, RetryEvery: 1, BackoffBase: time.Second, BackoffCap: time.Second},
			100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { // the first call fails; a's retry waits a backoff of 500ms
			w.status = func(n int) int {
				return map[bool]int{true: http.StatusServiceUnavailable, false: http.StatusOK}[n == 1]
			}
		})

		var wg sync.WaitGroup
		for _, key := range []string{"a", "b"} {
			wg.Go(func() { r.accepted(key, tea) }) // both written down at 10ms
		}
		wg.Wait()
		at(r.origin, time.Minute)
		calls := r.wh.callList()
		require.Len(t, calls, 3, "one order's first call failed and was retried: three calls")
		assert.Equal(t, 110*time.Millisecond, calls[1].at,
			"the first call (at 10ms) failed at 110ms, and its order waits 500ms before its retry: the other order should have the "+
				"bulkhead's only slot at 110ms; it had it at %v. Take the slot for one attempt, inside the retry, not around it", calls[1].at)
	})
}

func TestAnOrderExpiresWhileItWaitsForTheBulkhead(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 2, Bulkhead: 1, AttemptTimeout: time.Minute}, 10*time.Second)
		defer r.stop()

		r.accepted("a", tea)                                      // holds the only slot from 10ms to 10.01s
		b := r.accepted("b", tea, capstone.TimeoutHeader, "1000") // waits for the slot; nobody waits for it after 1.02s
		at(r.origin, 1030*time.Millisecond)
		p := r.get("/orders/" + b)
		assert.Equal(t, http.StatusSeeOther, p.status,
			"order b waited for the bulkhead past its deadline (1.02s): it should be expired then, written down at 1.03s, and its worker free. "+
				"Wait for a slot on a context that ends at the order's deadline; got %v", p)
		assert.Zero(t, r.wh.callsFor(b), "order b is never sent")
	})
}

func TestATurnMakesAtMostAttemptsCalls(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, Attempts: 3, RetryEvery: 1, BreakerAfter: 1000,
			Requeue: time.Hour, RequeueCap: time.Hour}, 10*time.Millisecond)
		defer r.stop()

		for _, key := range []string{"a", "b", "c", "d", "e"} { // five orders that succeed: five credits for retries
			r.accepted(key, tea)
		}
		at(r.origin, time.Second)
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusInternalServerError } })
		id := r.accepted("x", tea)
		at(r.origin, time.Minute)
		assert.Equal(t, 3, r.wh.callsFor(id),
			"with credits to spare, an order's turn makes Attempts (3) calls, the first included, and no more")
	})
}

func TestTheBreakerCountsCallsNotOrders(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// A budget of one retry per order: each order's turn is two calls.
		r := newRig(t, capstone.Config{Workers: 1, Attempts: 3, RetryEvery: 1, BreakerAfter: 3, BreakerFor: time.Hour,
			Requeue: time.Hour, RequeueCap: time.Hour}, 10*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusInternalServerError } })

		for _, key := range []string{"a", "b", "c"} {
			r.accepted(key, tea)
		}
		at(r.origin, time.Minute)
		calls := len(r.wh.callList())
		assert.Equal(t, 3, calls,
			"the breaker opens after 3 failed calls (BreakerAfter): a's two, then b's first; b's retry and c are refused by it. "+
				"The warehouse heard %d calls: the breaker goes inside the retry, around each call, so it counts calls, not orders", calls)
	})
}

func TestAnOpenBreakerMakesOrdersWaitNotFail(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, Attempts: 1, BreakerAfter: 3, BreakerFor: 10 * time.Second, Requeue: time.Second},
			100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { // down for its first 3 calls, then back
			w.status = func(n int) int {
				return map[bool]int{true: http.StatusInternalServerError, false: http.StatusOK}[n <= 3]
			}
		})

		var ids []string
		for _, key := range []string{"a", "b", "c", "d", "e", "f"} {
			ids = append(ids, r.accepted(key, tea))
		}
		short := r.accepted("short", tea, capstone.TimeoutHeader, "5000") // nobody waits for it after 5.07s
		at(r.origin, time.Minute)

		calls := r.wh.callList()
		require.GreaterOrEqual(t, len(calls), 4, "the warehouse is back after 3 failed calls: the orders should reach it again")
		opened := calls[2].ended
		assert.GreaterOrEqual(t, calls[3].at, opened+10*time.Second,
			"after 3 failures in a row (the third ended at %v) the breaker opens for 10s, and the orders wait: "+
				"no call may reach the warehouse before %v; the next came at %v", opened, opened+10*time.Second, calls[3].at)
		for i, id := range ids {
			state, _, reason := r.result(id)
			assert.Equal(t, "done", state,
				"order %d was accepted: a failing warehouse or an open breaker is a reason to wait and try again (Requeue), not to fail it (%s)", i, reason)
			assert.Equal(t, 1, r.wh.effects.Count(id), "order %d is reserved once", i)
		}
		state, _, reason := r.result(short)
		assert.Equal(t, "expired", state, "the short order was never sent while the breaker was open, and its deadline passed: expired (%s)", reason)
		assert.Zero(t, r.wh.callsFor(short), "an expired order was never sent")
	})
}

func TestAnOrderTheWarehouseIsStillReservingIsAskedAgainNotFailed(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Attempts: 3, RetryEvery: 1, AttemptTimeout: time.Second}, 1500*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.detached = true }) // it finishes a reservation whose caller left

		id := r.accepted("k1", tea)
		at(r.origin, time.Minute)
		var got []string
		for _, c := range r.wh.callList() {
			got = append(got, c.at.String())
		}
		state, receipt, reason := r.result(id)
		assert.Equal(t, "done", state,
			"the first attempt timed out at 1.02s while the warehouse went on and reserved the order at 1.52s; the retry at 1.07s "+
				"was answered 409 Conflict (that key is being served): ask again later, it is not a refusal (%s); calls at %v", reason, got)
		assert.Equal(t, "reservation #1 for "+id, receipt, "the order's receipt is the warehouse's first and only reservation")
		assert.Equal(t, 1, r.wh.effects.Count(id), "reserved once")
	})
}

func TestAnOrderThatMayHaveBeenSentIsNeverCalledExpired(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, AttemptTimeout: time.Minute}, time.Second)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.loseAnswer = func(_ string, attempt int) bool { return attempt == 1 } })

		id := r.accepted("k1", tea, capstone.TimeoutHeader, "1500") // sent at 20ms, reserved at 1.02s, the answer lost
		at(r.origin, 1200*time.Millisecond)
		r.restart() // still waiting for the answer: the process dies
		at(r.origin, time.Minute)

		state, receipt, reason := r.result(id)
		assert.Equal(t, "done", state,
			"the order was sent before the kill, and reserved: it may not be called expired or failed (%s). "+
				"An order sent once is asked again with the same key until the warehouse answers, whatever its deadline", reason)
		assert.Equal(t, "reservation #1 for "+id, receipt, "the receipt is the reservation made before the kill")
		assert.Equal(t, 1, r.wh.effects.Count(id), "reserved once")
	})
}

func TestAWarehouse202IsNotAReceipt(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, 100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { // busy, then accepted for later, then reserved
			w.status = func(n int) int {
				return []int{http.StatusTooManyRequests, http.StatusAccepted, http.StatusCreated}[min(n, 3)-1]
			}
		})

		id := r.accepted("k1", tea)
		at(r.origin, time.Minute)
		state, receipt, reason := r.result(id)
		assert.Equal(t, "done", state,
			"the warehouse answered 429 (busy: ask again later), then 202, then 201 Created with the receipt (%s)", reason)
		assert.Equal(t, "reservation #1 for "+id, receipt,
			"the warehouse's 202 Accepted is taken, not done (RFC 9110 §15.3.3), so it is no receipt; its 201 Created is")
		assert.Equal(t, 3, r.wh.callsFor(id), "asked three times: 429, 202, 201")
	})
}

func TestAWarehouseThatAnswersNotYetIsNotAFailingWarehouse(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, BreakerAfter: 3, BreakerFor: time.Minute, Requeue: 100 * time.Millisecond}, 10*time.Millisecond)
		defer r.stop()
		first := map[string]bool{}
		r.wh.set(func(w *warehouse) { // each order's first call is taken for later (202); a repeat gets the receipt
			w.status = func(n int) int {
				id := w.calls[n-1].orderID
				if !first[id] {
					first[id] = true
					return http.StatusAccepted
				}
				return http.StatusOK
			}
		})

		var ids []string
		for _, key := range []string{"a", "b", "c", "d", "e"} {
			ids = append(ids, r.accepted(key, tea, capstone.TimeoutHeader, "5000"))
		}
		at(r.origin, time.Minute)
		for i, id := range ids {
			state, _, reason := r.result(id)
			assert.Equal(t, "done", state,
				"order %d: a 202 from the warehouse says it is alive and working, not failing: the breaker must not count it "+
					"(ErrNotYet), or five such answers open it and the orders behind them expire (%s)", i, reason)
		}
	})
}

func TestASentOrderWithNoAnswerEndsUnknownAndFreesItsClient(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Quota: 1, BreakerAfter: 1000, GiveUpAfter: 10 * time.Minute}, 100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusInternalServerError } })

		id := r.accepted("k1", tea, capstone.TimeoutHeader, "1000") // sent at 10ms; nobody waits after 1.01s
		at(r.origin, 5*time.Minute)
		p := r.get("/orders/" + id)
		assert.Contains(t, p.body, `"state":"sending"`,
			"5 minutes on, the order was sent and never answered: it may be reserved, so it is neither expired nor failed; got %v", p)
		at(r.origin, time.Hour)
		state, _, reason := r.result(id)
		assert.Equal(t, "unknown", state,
			"sent, and no answer for GiveUpAfter (10m) past its deadline: the order ends unknown, for someone to reconcile with the warehouse (%s)", reason)
		calls := r.wh.callsFor(id)
		// Turns at 10ms, then after waits of 0.75s, 1.5s, 3s, 6s, 12s, 24s
		// and 45s from then on (Requeue doubled, capped at RequeueCap, times
		// 0.75 for the jitter with Rand 0.5): 19 turns before 10m1.01s.
		assert.Equal(t, 19, calls,
			"the warehouse heard the order %d times in 10 minutes: one attempt a turn (a later turn earns the retry budget no credit), "+
				"and a wait between turns that doubles from Requeue (1s) to RequeueCap (1m)", calls)
		other := r.post("k2", tea)
		assert.Equal(t, http.StatusAccepted, other.status, "an order that ended unknown no longer counts in its client's quota (1); got %v", other)
	})
}
