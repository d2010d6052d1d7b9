package capstone_test

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	capstone "github.com/wherewaiting/workshop/lessons/11-capstone"
)

// Exercise 3: overload is explicit.

func TestAFullQueueAnswers503WithRetryAfter(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, Queue: 2, Quota: 100, AttemptTimeout: time.Minute, RetryAfter: 4500 * time.Millisecond},
			10*time.Second)
		defer r.stop()

		r.accepted("k1", tea) // taken by the worker at 10ms
		r.accepted("k2", tea) // waits
		r.accepted("k3", tea) // waits: the queue of 2 is full
		p := r.post("k4", tea)
		require.Equal(t, http.StatusServiceUnavailable, p.status,
			"two orders wait for the one busy worker and the queue holds 2: the service is full, 503; got %v", p)
		assert.Equal(t, "5", p.header.Get("Retry-After"),
			"a 503 says when to come back: Retry-After, RetryAfter (4.5s) in whole seconds, rounded up: a client told 4 would come back too early")
		problemOf(t, p)
		assert.Zero(t, p.took, "a refusal is immediate: the client waited %v", p.took)

		at(r.origin, 10*time.Second+20*time.Millisecond) // k1 answered at 10.01s, done at 10.02s: k2 taken, a place is free
		p = r.post("k4", tea)
		assert.Equal(t, http.StatusAccepted, p.status,
			"once a place is free the retry is accepted, and its key was not spent on the refusal; got %v", p)
	})
}

func TestAClientOverItsQuotaGets429WhileOthersAreServed(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 4, Queue: 100, Quota: 2}, time.Second)
		defer r.stop()

		greedy := []string{capstone.ClientHeader, "greedy"}
		r.accepted("g1", tea, greedy...)
		r.accepted("g2", tea, greedy...)
		p := r.post("g3", tea, greedy...)
		require.Equal(t, http.StatusTooManyRequests, p.status,
			"the client has 2 unfinished orders, its quota: 429 Too Many Requests, its own limit, not the service's; got %v", p)
		assert.Equal(t, "5", p.header.Get("Retry-After"), "a 429 says when to come back too")
		problemOf(t, p)
		other := r.post("o1", tea, capstone.ClientHeader, "modest")
		assert.Equal(t, http.StatusAccepted, other.status,
			"another client is within its quota and the service has room: accepted; got %v", other)

		at(r.origin, 2*time.Second) // greedy's orders are done
		p = r.post("g3", tea, greedy...)
		assert.Equal(t, http.StatusAccepted, p.status,
			"once its orders are finished the client is within its quota again; got %v", p)
	})
}

func TestRefusalsOverAQuotaTakeNoPlaceInTheQueue(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, Queue: 3, Quota: 1, AttemptTimeout: time.Minute}, 10*time.Second)
		defer r.stop()

		greedy := []string{capstone.ClientHeader, "greedy"}
		r.accepted("g1", tea, greedy...) // taken by the worker
		for _, key := range []string{"g2", "g3", "g4", "g5"} {
			p := r.post(key, tea, greedy...)
			require.Equal(t, http.StatusTooManyRequests, p.status, "greedy is at its quota of 1; got %v", p)
		}
		for _, client := range []string{"b", "c", "d"} {
			p := r.post("k1", tea, capstone.ClientHeader, client)
			assert.Equal(t, http.StatusAccepted, p.status,
				"the queue holds 3 and nobody waits in it: client %s should be accepted. Four 429s to greedy must not have taken "+
					"places in the queue: check the quota before you Reserve, or give the place back; got %v", client, p)
		}
	})
}

func TestAnOrderWaitingForItsNextTurnStillCountsInItsQuota(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Quota: 2, Requeue: time.Minute}, 100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusServiceUnavailable } })

		r.accepted("a", tea)
		r.accepted("b", tea)
		at(r.origin, time.Second) // both failed, and wait for their next turn
		p := r.post("c", tea)
		assert.Equal(t, http.StatusTooManyRequests, p.status,
			"alice's two orders are not finished (they wait for their next turn): her quota of 2 is full; got %v", p)
	})
}

func TestOrdersFoundAgainAtStartCountInTheirQuota(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Quota: 2, AttemptTimeout: 2 * time.Hour}, time.Hour)
		defer r.stop()

		r.accepted("a", tea)
		r.accepted("b", tea)
		r.restart()
		p := r.post("c", tea)
		assert.Equal(t, http.StatusTooManyRequests, p.status,
			"alice's two orders were found again at start, unfinished: they count in her quota of 2 (recover: s.pending); got %v", p)
	})
}

func TestSheddableOrdersAreShedFirst(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, Queue: 4, SheddableQueue: 2, Quota: 100, AttemptTimeout: time.Minute}, 10*time.Second)
		defer r.stop()

		sheddable := []string{capstone.CriticalityHeader, "sheddable"}
		r.accepted("k1", tea) // taken by the worker
		r.accepted("s1", tea, sheddable...)
		r.accepted("s2", tea, sheddable...)
		p := r.post("s3", tea, sheddable...)
		require.Equal(t, http.StatusServiceUnavailable, p.status,
			"2 orders wait, SheddableQueue is 2: a sheddable order is shed now, keeping room for critical ones; got %v", p)
		assert.Equal(t, "5", p.header.Get("Retry-After"), "a shed order is told when to come back")
		for _, key := range []string{"c1", "c2"} {
			p = r.post(key, tea)
			assert.Equal(t, http.StatusAccepted, p.status,
				"critical orders may fill the queue to Queue (4): %s should be accepted; got %v", key, p)
		}
		p = r.post("c3", tea)
		assert.Equal(t, http.StatusServiceUnavailable, p.status, "with 4 waiting the queue is full for everyone; got %v", p)
	})
}

func TestOrdersWaitingForTheWarehouseKeepTheirPlacesInTheQueue(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, Queue: 2, Quota: 100, Requeue: time.Minute}, 100*time.Millisecond)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusServiceUnavailable } })

		r.accepted("a", tea) // sent at 10ms, refused at 110ms: waits for its next turn
		at(r.origin, time.Second)
		r.accepted("b", tea) // the same, from 1s
		at(r.origin, 2*time.Second)
		p := r.post("c", tea)
		assert.Equal(t, http.StatusServiceUnavailable, p.status,
			"two orders wait for the warehouse to come back, and the queue holds 2: the service is full, 503. An order waiting "+
				"for its next turn keeps its place in the queue; otherwise a down warehouse turns a bounded queue into an unbounded one; got %v", p)
	})
}
