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
		r := newRig(t, capstone.Config{Workers: 1, Queue: 2, Quota: 100, AttemptTimeout: time.Minute}, 10*time.Second)
		defer r.stop()

		r.accepted("k1", tea) // taken by the worker at 10ms
		r.accepted("k2", tea) // waits
		r.accepted("k3", tea) // waits: the queue of 2 is full
		p := r.post("k4", tea)
		require.Equal(t, http.StatusServiceUnavailable, p.status,
			"two orders wait for the one busy worker and the queue holds 2: the service is full, 503; got %v", p)
		assert.Equal(t, "5", p.header.Get("Retry-After"), "a 503 says when to come back: Retry-After, RetryAfter (5s) in seconds")
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
