package capstone_test

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/timeline"
	capstone "github.com/wherewaiting/workshop/lessons/11-capstone"
)

// Exercise 4: Accepted means written down.

func TestAnAcceptedOrderSurvivesAKillAndCompletesAfterTheRestart(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1}, time.Second)
		defer r.stop()

		a := r.accepted("a", tea) // at 10ms; sent at once
		b := r.accepted("b", tea) // waits for the worker
		r.restart()               // killed the instant b's 202 arrived, while a is at the warehouse
		require.NotEqual(t, http.StatusNotFound, r.get("/orders/"+b).status,
			"order %s was answered 202 and the process was killed right after: after the restart it is unknown. "+
				"A 202 is a promise: write the order down (Store.Put, then Store.Accept with its key) before you answer", b)

		at(r.origin, time.Minute)
		for _, id := range []string{a, b} {
			state, _, _ := r.result(id)
			assert.Equal(t, "done", state, "every order accepted before the kill is fulfilled after the restart")
			assert.Equal(t, 1, r.wh.effects.Count(id), "order %s should be reserved exactly once", id)
		}
	})
}

func TestAKillBetweenTheEffectAndTheAckStillCompletesExactlyOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1}, time.Second)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.loseAnswer = func(_ string, attempt int) bool { return attempt == 1 } })

		id := r.accepted("a", tea) // sent at 10ms; reserved at 1.01s, and the answer is lost
		at(r.origin, 2*time.Second)
		require.Equal(t, 1, r.wh.effects.Count(id), "the warehouse reserved the order at 1.01s")
		r.restart() // the reservation happened; the service never wrote it down
		at(r.origin, time.Minute)

		state, receipt, _ := r.result(id)
		assert.Equal(t, "done", state, "the order is finished after the restart")
		assert.Equal(t, 1, r.wh.effects.Count(id),
			"the order was sent again after the restart (it was never acknowledged), and the warehouse reserved it twice:\n%s"+
				"send the order's ID as the Idempotency-Key, so the repeat gets the first receipt", r.wh.effects.Table(r.origin))
		assert.Equal(t, "reservation #1 for "+id, receipt, "the result is the first, and only, reservation")
		assert.Equal(t, 2, r.wh.callsFor(id), "the order was sent once before the kill and once after")
	})
}

func TestEveryAcceptedOrderCompletesExactlyOnceAcrossRestarts(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		// 307ms, not 300ms: a call that ended at the very instant a group
		// commit is written could join it or the next one, and the picture
		// would change from run to run.
		r := newRig(t, capstone.Config{Workers: 2, Bulkhead: 2, Quota: 100}, 307*time.Millisecond)
		defer r.stop()
		index := map[string]int{}
		r.wh.set(func(w *warehouse) {
			// the first answer for every third order is lost
			w.loseAnswer = func(id string, attempt int) bool { return attempt == 1 && index[id]%3 == 2 }
		})

		tl := timeline.New()
		var ids []string
		for i := range 8 {
			at(r.origin, time.Duration(i)*100*time.Millisecond+time.Millisecond)
			id := r.accepted(fmt.Sprintf("k%d", i), tea)
			r.wh.set(func(*warehouse) { index[id] = i })
			ids = append(ids, id)
		}
		for _, kill := range []time.Duration{750 * time.Millisecond, 1750 * time.Millisecond} {
			at(r.origin, kill)
			r.restart()
			tl.Add("kill", r.origin.Add(kill), r.origin.Add(kill+time.Millisecond))
		}
		at(r.origin, time.Minute)

		for _, c := range r.wh.callList() {
			tl.Add(fmt.Sprintf("order %d", index[c.orderID]), r.origin.Add(c.at), r.origin.Add(c.ended))
		}
		spans := tl.Spans() // calls that start at one instant come in any order: sort them
		slices.SortStableFunc(spans, func(a, b timeline.Span) int {
			return cmp.Or(a.Start.Compare(b.Start), strings.Compare(a.Who, b.Who))
		})
		picture := timeline.Render(r.origin, r.origin.Add(3*time.Second), spans)
		timeline.Keep(t, "kills-and-restarts", picture)
		t.Logf("the warehouse's calls, and the kills:\n%s", picture)
		for _, id := range ids {
			state, _, _ := r.result(id)
			assert.Equal(t, "done", state, "order %s was accepted: it completes, whatever kills come between", id)
			assert.Equal(t, 1, r.wh.effects.Count(id), "order %s should be reserved exactly once\n%s", id, picture)
		}
	})
}

func TestAFinishedOrderIsNotSentAgainAfterARestart(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		id := r.accepted("a", tea)
		at(r.origin, 2*time.Second)
		state, _, _ := r.result(id)
		require.Equal(t, "done", state, "the order is done at 1.02s")
		r.restart()
		at(r.origin, time.Minute)
		state, _, _ = r.result(id)
		assert.Equal(t, "done", state, "a restart does not forget a finished order: write its end down too")
		assert.Equal(t, 1, r.wh.callsFor(id),
			"a finished order was sent again after the restart: write its end down (Store.Put) before you count it finished")
		assert.False(t, strings.Contains(r.get("/orders/"+id).body, "pending"), "a finished order is not pending again")
	})
}

func TestAKeyIsHonouredAcrossARestart(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{}, time.Second)
		defer r.stop()

		first := r.post("k1", tea)
		require.Equal(t, http.StatusAccepted, first.status, "the first order is accepted; got %v", first)
		r.restart() // the client did not get the 202 (say the connection broke), and the process restarted
		again := r.post("k1", tea)
		assert.Equal(t, http.StatusAccepted, again.status, "the retry gets the first answer again; got %v", again)
		assert.Equal(t, first.header.Get("Location"), again.header.Get("Location"),
			"after a restart, the retry with the same key made a second order: write the key down with its order, "+
				"in one transaction (Store.Accept), and look it up (Store.Key) when memory does not know it")
		twice := r.post("k1", tea)
		assert.Equal(t, http.StatusAccepted, twice.status,
			"a second retry is replayed too: a key found on disk is kept in memory with its answer (Keys.Complete), "+
				"not left in flight; got %v", twice)
		other := r.post("k1", `{"item":"coffee","quantity":1}`)
		assert.Equal(t, http.StatusUnprocessableEntity, other.status, "the key was used for tea, before the restart too; got %v", other)
		at(r.origin, time.Minute)
		assert.Equal(t, 1, r.wh.effects.Total(), "one key, one order, one reservation, restart or not")
	})
}

func TestFinishedOrdersAndTheirKeysAreDeletedAfterRetention(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Retention: time.Hour, SweepEvery: time.Minute}, time.Second)
		defer r.stop()

		first := r.accepted("k1", tea) // done at 1.03s
		at(r.origin, time.Hour+2*time.Minute)
		orders, keys := countStored(t, r.db)
		assert.Zero(t, orders, "an order finished more than Retention (1h) ago is deleted from the store, not only hidden: "+
			"otherwise the file grows with every order ever taken")
		assert.Zero(t, keys, "its key goes with it")
		second := r.accepted("k1", tea)
		assert.NotEqual(t, first, second, "once its order is gone, the key may be used again: a new order")
	})
}

// countStored counts the orders and the keys in the store's file.
func countStored(t *testing.T, db *bolt.DB) (orders, keys int) {
	t.Helper()
	err := db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte("orders")); b != nil {
			orders = b.Stats().KeyN
		}
		if b := tx.Bucket([]byte("keys")); b != nil {
			keys = b.Stats().KeyN
		}
		return nil
	})
	require.NoError(t, err)
	return orders, keys
}
