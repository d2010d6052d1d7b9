//go:build draft

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

		id := r.accepted("k1", tea, capstone.TimeoutHeader, "30000") // at 0: fulfil within 30s
		at(r.origin, 2*time.Second)
		calls := r.wh.callList()
		require.Len(t, calls, 1, "the order should have reached the warehouse")
		c := calls[0]
		assert.Equal(t, 10*time.Millisecond, c.at, "the order is sent as soon as it is written down")
		assert.Equal(t, "29990", c.header.Get(capstone.TimeoutHeader),
			"sent at 10ms, an order that must be done within 30s has 29,990ms left: say so, relative, in %s; "+
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
		r := newRig(t, capstone.Config{Workers: 1, Quota: 100, Attempts: 3, RetryEvery: 10, BreakerAfter: 1000}, 10*time.Millisecond)
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

func TestAnOpenBreakerFailsOrdersWithoutCallingTheWarehouse(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, Attempts: 1, BreakerAfter: 3, BreakerFor: time.Minute}, 100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusInternalServerError } })

		var ids []string
		for _, key := range []string{"a", "b", "c", "d", "e", "f"} {
			ids = append(ids, r.accepted(key, tea))
		}
		at(r.origin, 10*time.Second)
		assert.Len(t, r.wh.callList(), 3,
			"after 3 failures in a row the breaker opens: the next orders fail at once, without a call")
		for i, id := range ids {
			state, _, reason := r.result(id)
			assert.Equal(t, "failed", state, "order %d failed", i)
			if i >= 3 {
				assert.Contains(t, reason, capstone.ErrOpen.Error(), "order %d failed because the breaker was open", i)
			}
		}
	})
}
