package capstone_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/timeline"
	capstone "github.com/wherewaiting/workshop/lessons/11-capstone"
)

// Exercise 1: synchronous where a person waits, asynchronous behind it.

func TestAValidOrderIsAcceptedWith202ALocationAndRetryAfter(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, 2*time.Second)
		defer r.stop()

		p := r.post("k1", tea)
		at(r.origin, 3*time.Second)
		picture := whoWaits(r, p)
		timeline.Keep(t, "who-waits", picture)
		require.Equal(t, http.StatusAccepted, p.status,
			"the client waited %v for %v; a valid order is answered 202 Accepted once it is written down, "+
				"and fulfilled later: nobody should wait for the warehouse's 2s\n%s", p.took, p, picture)
		assert.Regexp(t, `^/orders/[A-Za-z0-9]+$`, p.header.Get("Location"),
			"a 202 says where to ask for the order's status: Location /orders/ID")
		assert.Equal(t, "1", p.header.Get("Retry-After"),
			"a 202 says when to ask: Retry-After in seconds (PollAfter, 1s by default)")
		var doc struct{ ID, State string }
		require.NoError(t, json.Unmarshal([]byte(p.body), &doc), "the 202's body is JSON: {\"id\":…,\"state\":\"pending\"}")
		assert.Equal(t, strings.TrimPrefix(p.header.Get("Location"), "/orders/"), doc.ID, "the body names the order of the Location")
		assert.Equal(t, "pending", doc.State, "a just accepted order is pending")
		assert.Equal(t, batchDelay, p.took,
			"the client waited %v; the order is written down in one group commit (10ms) and answered at once after", p.took)
	})
}

func TestABadOrderGets400ProblemDetailsAtOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		for _, body := range []string{
			`not json`,
			`{"item":"tea"`,
			`{"item":"tea","quantity":2,"discount":100}`,
			`{"item":"","quantity":2}`,
			`{"item":"tea","quantity":0}`,
			`{"item":"tea","quantity":101}`,
			`{"item":"tea","quantity":2}{"item":"tea","quantity":2}`,
			`{"item":"tea","quantity":2}}`,
		} {
			p := r.post("k-"+body, body)
			require.Equal(t, http.StatusBadRequest, p.status, "the body %s is not a valid order: it gets 400 Bad Request; got %v", body, p)
			status, title, detail := problemOf(t, p)
			assert.Equal(t, http.StatusBadRequest, status, "the problem's status repeats the response's")
			assert.Equal(t, "Bad Request", title, "with type about:blank the title is the status's phrase (RFC 9457 §4.2.1)")
			assert.NotEmpty(t, detail, "the detail tells the person what to fix")
			assert.Zero(t, p.took, "the person staring at the form waited %v for a 400; checking a body needs no waiting", p.took)
			assert.Empty(t, p.header.Get("Retry-After"), "a bad order is not worth sending again: no Retry-After on a 400")
		}
		for _, timeout := range []string{"soon", "0", "86400001"} {
			p := r.post("k-bad-timeout-"+timeout, tea, capstone.TimeoutHeader, timeout)
			assert.Equal(t, http.StatusBadRequest, p.status,
				"%s: %s must be a whole number of milliseconds from 1 to a day (ParseTimeout); got %v", timeout, capstone.TimeoutHeader, p)
		}
		assert.Empty(t, r.wh.callList(), "no bad order may reach the warehouse")
		for _, edge := range []string{`{"item":"tea","quantity":1}`, `{"item":"tea","quantity":100}`} {
			p := r.post("k-"+edge, edge)
			assert.Equal(t, http.StatusAccepted, p.status, "%s is a valid order: quantities go from 1 to 100; got %v", edge, p)
		}
	})
}

func TestABodyPastTheLimitGets413(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{MaxBody: 100}, time.Second)
		defer r.stop()

		p := r.post("k1", `{"item":"`+strings.Repeat("t", 200)+`","quantity":2}`)
		require.Equal(t, http.StatusRequestEntityTooLarge, p.status,
			"a body past MaxBody (100 bytes) gets 413 Content Too Large: read it through http.MaxBytesReader; got %v", p)
		status, _, _ := problemOf(t, p)
		assert.Equal(t, http.StatusRequestEntityTooLarge, status, "the problem's status repeats the response's")
		p = r.post("k2", `{"item":"`+strings.Repeat("t", 76)+`","quantity":2}`)
		assert.Equal(t, http.StatusAccepted, p.status, "an order of exactly 100 bytes is within the limit of 100; got %v", p)
		p = r.post("k3", `{"item":"`+strings.Repeat("t", 77)+`","quantity":2}`)
		assert.Equal(t, http.StatusRequestEntityTooLarge, p.status, "an order of 101 bytes is past it; got %v", p)
	})
}

func TestTheStatusIs200WhilePendingAnd303WhenDone(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, 2*time.Second)
		defer r.stop()

		id := r.accepted("k1", tea)
		at(r.origin, time.Second)
		p := r.get("/orders/" + id)
		require.Equal(t, http.StatusOK, p.status, "at 1s the warehouse is still working on the order: its status is 200, not finished; got %v", p)
		assert.Contains(t, p.body, `"state":"sending"`, "an order at the warehouse is sending: it may be reserved already")
		assert.Equal(t, "1", p.header.Get("Retry-After"), "an unfinished order's status says when to ask again")
		early := r.get("/orders/" + id + "/result")
		assert.Equal(t, http.StatusNotFound, early.status, "an unfinished order has no result yet: 404; got %v", early)

		// written down at 10ms, then as sending, and sent at once;
		// answered at 2.01s, written down as done at 2.02s
		at(r.origin, 2020*time.Millisecond)
		state, receipt, _ := r.result(id)
		assert.Equal(t, "done", state, "the warehouse reserved the order")
		assert.Equal(t, "reservation #1 for "+id, receipt, "the result carries the warehouse's receipt")
	})
}

func TestAnUnknownOrExpiredOrderIs404(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Retention: time.Hour}, time.Second)
		defer r.stop()

		p := r.get("/orders/NOSUCHORDER")
		require.Equal(t, http.StatusNotFound, p.status, "an ID nobody was given is 404 Not Found; got %v", p)
		problemOf(t, p)

		id := r.accepted("k1", tea)
		// sent at 10ms, finished at 1.01s, written down at 1.02s
		finished := 1010 * time.Millisecond
		at(r.origin, finished+time.Hour)
		r.result(id) // exactly Retention after: still kept
		at(r.origin, finished+time.Hour+time.Nanosecond)
		p = r.get("/orders/" + id)
		assert.Equal(t, http.StatusNotFound, p.status,
			"a result is kept for Retention (1h) after the order finished, then it is gone: 404; got %v", p)
		p = r.get("/orders/" + id + "/result")
		assert.Equal(t, http.StatusNotFound, p.status, "the result itself is gone too; got %v", p)
	})
}

func TestAnOrderIsVisibleOnlyToItsClient(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		id := r.accepted("k1", tea) // alice's
		p := r.do(http.MethodGet, "/orders/"+id, "", capstone.ClientHeader, "mallory")
		assert.Equal(t, http.StatusNotFound, p.status,
			"another client asked for alice's order: answer 404, as for an unknown ID, and tell nothing of it; got %v", p)
		at(r.origin, 2*time.Second)
		p = r.do(http.MethodGet, "/orders/"+id+"/result", "", capstone.ClientHeader, "mallory")
		assert.Equal(t, http.StatusNotFound, p.status, "nor its result; got %v", p)
		r.result(id) // alice herself sees it
	})
}

func TestAnOrderThatCannotBeWrittenDownIsRefusedNotAccepted(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		id := r.accepted("k1", tea)
		at(r.origin, 2*time.Second)
		r.readOnly = true // the disk refuses writes from now on (full, or read-only)
		r.restart()
		r.result(id) // reads still work: the finished order is there
		p := r.post("k2", tea)
		require.NotEqual(t, http.StatusAccepted, p.status,
			"the order could not be written down (the file is read-only), and the client was told 202 Accepted: a promise nothing keeps. "+
				"Answer only once the write returned without an error; got %v", p)
		assert.Equal(t, http.StatusServiceUnavailable, p.status, "a write that failed is the service's trouble: 503 with Retry-After; got %v", p)
		assert.NotEmpty(t, p.header.Get("Retry-After"), "and when to come back")
		problemOf(t, p)
		again := r.post("k2", tea)
		assert.Equal(t, http.StatusServiceUnavailable, again.status,
			"the retry with the same key is a new attempt, not 409: the refused order gave its key back; got %v", again)
	})
}

func TestOrderIDsAreRandomAndUnguessable(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Quota: 100}, time.Second)
		defer r.stop()

		seen := map[string]bool{}
		for i := range 20 {
			id := r.accepted("k"+string(rune('a'+i)), tea)
			require.False(t, seen[id], "the ID %s was handed out twice", id)
			seen[id] = true
			assert.Regexp(t, regexp.MustCompile(`^[A-Za-z0-9_-]{22,}$`), id,
				"an ID anyone could guess lets anyone read anyone's order: use at least 128 random bits "+
					"(crypto/rand.Text gives 26 base32 characters); got %q", id)
			guess := id[:len(id)-1] + string("AB"[boolIndex(id[len(id)-1] == 'A')])
			if !seen[guess] {
				assert.Equal(t, http.StatusNotFound, r.get("/orders/"+guess).status,
					"the neighbour %s of the ID %s should not exist", guess, id)
			}
		}
	})
}

// whoWaits draws the client's wait for p beside the warehouse's calls.
func whoWaits(r *rig, p reply) string {
	tl := timeline.New()
	tl.Add("client", r.origin.Add(p.at-p.took), r.origin.Add(p.at))
	for _, c := range r.wh.callList() {
		tl.Add("warehouse", r.origin.Add(c.at), r.origin.Add(c.ended))
	}
	return timeline.Render(r.origin, time.Now(), tl.Spans())
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Exercise 2: Idempotency-Key.

func TestAnOrderWithoutAnIdempotencyKeyGets400(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		p := r.do(http.MethodPost, "/orders", tea)
		require.Equal(t, http.StatusBadRequest, p.status,
			"an order without an Idempotency-Key cannot be retried safely: refuse it with 400; got %v", p)
		_, _, detail := problemOf(t, p)
		assert.Contains(t, detail, "Idempotency-Key", "the detail names the missing header")

		p = r.post("k1", tea, capstone.ClientHeader, "")
		assert.Equal(t, http.StatusBadRequest, p.status,
			"an order without a %s belongs to nobody: its key, its quota and who may read it are a client's; refuse it with 400; got %v",
			capstone.ClientHeader, p)
		for _, long := range [][]string{{"Idempotency-Key", strings.Repeat("k", 256)}, {capstone.ClientHeader, strings.Repeat("c", 256)}} {
			p = r.do(http.MethodPost, "/orders", tea, append([]string{"Idempotency-Key", "k2"}, long...)...)
			assert.Equal(t, http.StatusBadRequest, p.status,
				"a %s of 256 bytes is refused with 400: both are kept, in memory and on disk, so their length is bounded (MaxKeyLength, %d); got %v",
				long[0], capstone.MaxKeyLength, p)
		}
		at(r.origin, time.Minute)
		assert.Empty(t, r.wh.callList(), "an order refused with 400 is never sent to the warehouse")
		p = r.do(http.MethodPost, "/orders", tea, "Idempotency-Key", strings.Repeat("k", 255), capstone.ClientHeader, strings.Repeat("c", 255))
		assert.Equal(t, http.StatusAccepted, p.status, "a key and a client of 255 bytes each are within MaxKeyLength; got %v", p)
	})
}

func TestARepeatAfterTheAnswerReplaysIt(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		first := r.post("k1", tea)
		require.Equal(t, http.StatusAccepted, first.status, "the first order is accepted; got %v", first)
		at(r.origin, 500*time.Millisecond)
		again := r.post("k1", tea)
		assert.Equal(t, first.status, again.status, "a repeat gets the first answer again (the client lost it, and retried); got %v", again)
		assert.Equal(t, first.header.Get("Location"), again.header.Get("Location"), "a repeat names the same order")
		assert.Equal(t, first.body, again.body, "a repeat gets the same body")
		assert.Zero(t, again.took, "a replay writes nothing down and waits for nothing; the client waited %v", again.took)

		at(r.origin, time.Minute)
		assert.Len(t, r.wh.callList(), 1, "one key, one order: the warehouse hears of it once")
		assert.Equal(t, 1, r.wh.effects.Total(), "one key, one reservation")
	})
}

func TestARepeatWhileTheFirstIsInFlightGets409(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		var first reply
		var wg sync.WaitGroup
		wg.Go(func() { first = r.post("k1", tea) }) // at 0, answered at 10ms
		at(r.origin, 5*time.Millisecond)
		again := r.post("k1", tea)
		wg.Wait()
		require.Equal(t, http.StatusAccepted, first.status, "the first order is accepted; got %v", first)
		require.Equal(t, http.StatusConflict, again.status,
			"at 5ms the first request with key k1 is still being written down: a repeat gets 409 Conflict, "+
				"not a second order; got %v", again)
		problemOf(t, again)
		assert.Equal(t, 5*time.Millisecond, again.at,
			"the repeat should be refused at once, at 5ms: claim the key before anything is queued or written; it was answered at %v", again.at)

		at(r.origin, time.Minute)
		assert.Equal(t, 1, r.wh.effects.Total(), "one key, one reservation; the warehouse was asked for %d orders", len(r.wh.callList()))
	})
}

func TestTheSameKeyWithADifferentOrderGets422(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		first := r.accepted("k1", tea)
		p := r.post("k1", `{"item":"coffee","quantity":2}`)
		require.Equal(t, http.StatusUnprocessableEntity, p.status,
			"the key k1 was used for tea: coffee with the same key is a client's mistake, 422; got %v", p)
		problemOf(t, p)
		p = r.post("k1", `{"item":"tea","quantity":3}`)
		assert.Equal(t, http.StatusUnprocessableEntity, p.status,
			"three teas are not the two the key k1 was used for: the fingerprint is the whole body, 422; got %v", p)
		other := r.do(http.MethodPost, "/orders", tea, "Idempotency-Key", "k1", capstone.ClientHeader, "someone-else")
		assert.Equal(t, http.StatusAccepted, other.status,
			"keys belong to a client: another client's k1 is another order; got %v", other)
		assert.NotEqual(t, "/orders/"+first, other.header.Get("Location"),
			"keys belong to a client: someone-else's k1 was answered with alice's order; scope the key to the client")
		// Client "al" with key "icek1" must not meet client "alice" with key "k1": the
		// scoped key needs a separator neither can contain.
		near := r.do(http.MethodPost, "/orders", tea, "Idempotency-Key", "icek1", capstone.ClientHeader, "al")
		assert.Equal(t, http.StatusAccepted, near.status, "client al's key icek1 is not alice's k1; got %v", near)
		assert.NotEqual(t, "/orders/"+first, near.header.Get("Location"), "client al's order is its own, not a replay of alice's")
		// With ":" between them, client "bo" and key "b:k1" would meet client
		// "bo:b" and key "k1": the separator must be one no header holds.
		bo := r.do(http.MethodPost, "/orders", tea, "Idempotency-Key", "b:k1", capstone.ClientHeader, "bo")
		bob := r.do(http.MethodPost, "/orders", tea, "Idempotency-Key", "k1", capstone.ClientHeader, "bo:b")
		assert.NotEqual(t, bo.header.Get("Location"), bob.header.Get("Location"),
			"client bo:b's key k1 is not client bo's key b:k1: scope keys with a separator neither can hold (a newline); got %v and %v", bo, bob)
		at(r.origin, time.Minute)
		assert.Equal(t, 5, r.wh.effects.Total(), "five orders were accepted, five reservations")
	})
}
