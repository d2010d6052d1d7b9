package capstone_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/pipenet"
	capstone "github.com/wherewaiting/workshop/lessons/11-capstone"
)

// Exercise 6: server hygiene and graceful shutdown.

func TestTheServerHasATimeoutForEveryPhase(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		srv := capstone.NewServer(http.NotFoundHandler())
		require.Positive(t, srv.ReadHeaderTimeout, "without ReadHeaderTimeout a client that sends its header slowly holds a connection for ever (Slowloris)")
		assert.Positive(t, srv.ReadTimeout, "without ReadTimeout a slow body holds a connection for ever")
		assert.Positive(t, srv.WriteTimeout, "without WriteTimeout a client that does not read holds a connection for ever")
		assert.Positive(t, srv.IdleTimeout, "without IdleTimeout an idle keep-alive connection stays for ever")

		l := pipenet.Listen()
		served := make(chan error, 1)
		go func() { served <- srv.Serve(l) }()
		conn, err := l.DialContext(context.Background(), "pipe", "")
		require.NoError(t, err)
		start := time.Now()
		io.WriteString(conn, "POST /orders HTTP/1.1\r\n") // and never the rest
		io.Copy(io.Discard, conn)
		waited := time.Since(start)
		conn.Close()
		srv.Shutdown(context.Background())
		<-served
		assert.Equal(t, srv.ReadHeaderTimeout, waited, "a silent client is cut off at exactly ReadHeaderTimeout")
	})
}

func TestShutdownFlipsReadinessFirstAndStopsIntakeBeforeItDrains(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, DrainDelay: time.Second}, 2*time.Second)
		r.kill() // the rig's own process; this test starts its own with Serve
		signal := r.serve(time.Hour)
		defer r.stop()

		r.accepted("a", tea) // at 10ms; sent at once, done at 2.02s
		b := r.accepted("b", tea)
		at(r.origin, 100*time.Millisecond)
		require.Equal(t, http.StatusOK, r.get("/readyz").status, "a running service is ready")

		signal() // SIGTERM, at 100ms
		synctest.Wait()
		ready := r.get("/readyz")
		assert.Equal(t, http.StatusServiceUnavailable, ready.status,
			"from the signal on, /readyz answers 503 so that load balancers stop sending; got %v", ready)
		assert.True(t, ready.close,
			"from the signal on, keep-alives are off (srv.SetKeepAlivesEnabled(false)): a client on a kept-alive connection "+
				"would keep coming back here; told Connection: close, it reconnects, through the load balancer, elsewhere")
		soon := r.post("soon", tea)
		assert.Equal(t, http.StatusAccepted, soon.status,
			"at the signal, load balancers still send here until their next probes see the 503: keep taking orders for DrainDelay (1s), "+
				"or they are refused by a service that could have taken them; got %v", soon)

		at(r.origin, 1100*time.Millisecond) // the signal and DrainDelay later
		late := r.post("late", tea)
		assert.Equal(t, http.StatusServiceUnavailable, late.status,
			"DrainDelay after the signal, intake stops, before the drain: an order accepted now would be promised by a process that is leaving; got %v", late)
		assert.NotEmpty(t, late.header.Get("Retry-After"), "a refused order is told when to come back")
		status := r.get("/orders/" + b)
		assert.Equal(t, http.StatusOK, status.status, "while it drains, the service still answers the status of its orders; got %v", status)

		<-r.served
		assert.Equal(t, 6040*time.Millisecond, r.ended,
			"a was done at 2.02s, b at 4.03s, the order taken during the DrainDelay at 6.04s: Serve returns once the queue is drained, and not before")
		assert.Empty(t, r.report.Unfinished, "everything finished within the grace")
	})
}

func TestAnOrderAcceptedAsIntakeStopsIsDrainedNotDropped(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, DrainDelay: time.Second}, 100*time.Millisecond)
		r.kill()
		signal := r.serve(time.Hour)
		defer r.stop()

		at(r.origin, 500*time.Millisecond)
		signal() // intake stops at 1.5s
		at(r.origin, 1495*time.Millisecond)
		id := r.accepted("edge", tea) // admitted at 1.495s, on disk and answered 202 at 1.505s
		<-r.served
		if !slices.Contains(r.report.Unfinished, id) {
			store, err := capstone.NewStore(r.db) // what was written down
			require.NoError(t, err)
			rec, err := store.Get(id)
			require.NoError(t, err, "order %s was answered 202: it is on disk", id)
			assert.Equal(t, capstone.Done, rec.State,
				"the order was admitted at 1.495s, before intake stopped at 1.5s, and answered 202 at 1.505s, when it was on disk: "+
					"it must be drained, or at least reported; Serve ended at %v, the order was %s and not in the report. "+
					"Wait for the orders admitted before intake stopped (s.admitting) before you close the queue", r.ended, rec.State)
		}
		assert.Empty(t, r.report.Unfinished, "the grace is an hour: everything is drained")
	})
}

func TestWhatDoesNotFinishWithinTheGraceIsReportedAndKept(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, DrainDelay: 500 * time.Millisecond, AttemptTimeout: time.Minute}, 10*time.Second)
		r.kill()
		signal := r.serve(3 * time.Second)
		defer r.stop()

		a := r.accepted("a", tea) // at the warehouse from 10ms to 10.01s
		b := r.accepted("b", tea) // waits
		queued := []string{a, b}
		for _, key := range []string{"c", "d", "e", "f"} { // wait too: six IDs, so a report in no order is caught
			queued = append(queued, r.accepted(key, tea))
		}
		at(r.origin, time.Second)
		signal()
		<-r.served
		assert.Equal(t, 3700*time.Millisecond, r.ended,
			"the grace is 3s from the signal at 1s: the service has nine tenths of it (until 3.7s: DrainDelay, then the drain), "+
				"the server what is left; with nothing under way, Serve returns at 3.7s")
		want := slices.Sorted(slices.Values(queued))
		assert.Equal(t, want, r.report.Unfinished, "the report names what did not finish, sorted: a at the warehouse, the others in the queue")

		r.db.Close()
		r.start() // the next process
		at(r.origin, 2*time.Minute)
		for _, id := range queued {
			state, _, _ := r.result(id)
			assert.Equal(t, "done", state, "an order unfinished at the shutdown is done after the next start")
			assert.Equal(t, 1, r.wh.effects.Count(id), "and reserved once")
		}
	})
}

func TestOrdersWaitingForTheirNextTurnAreReported(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Requeue: time.Minute, DrainDelay: time.Millisecond}, 100*time.Millisecond)
		r.kill()
		signal := r.serve(time.Hour)
		defer r.stop()
		r.wh.set(func(w *warehouse) { w.status = func(int) int { return http.StatusServiceUnavailable } })

		a := r.accepted("a", tea) // fails at 110ms, waits for its next turn
		at(r.origin, time.Second)
		signal()
		<-r.served
		assert.Equal(t, []string{a}, r.report.Unfinished,
			"order a was waiting for its next turn (the warehouse answered 503) when the service stopped: it is unfinished, "+
				"and the report says so (s.waiting)")
		assert.Equal(t, 1, r.wh.callsFor(a), "and it was not sent again once the service had stopped")
	})
}

func TestServeReportsAndStopsTheServiceWhenItsListenerFails(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{Workers: 1, DrainDelay: time.Millisecond, AttemptTimeout: time.Minute}, 10*time.Second)
		r.kill()
		r.serve(3 * time.Second)
		defer r.stop()

		a := r.accepted("a", tea) // at the warehouse until 10.01s
		b := r.accepted("b", tea) // waits
		at(r.origin, time.Second)
		r.l.Close() // the listener fails
		<-r.served
		assert.Equal(t, 3700*time.Millisecond, r.ended,
			"the listener failed at 1s: nobody can reach the service, and Serve shuts it down within the grace, as on a signal (nine tenths of 3s)")
		assert.Equal(t, slices.Sorted(slices.Values([]string{a, b})), r.report.Unfinished,
			"and reports what did not finish: the next start sends it")
	})
}

func TestAConnectionStillOpenAtTheEndOfTheGraceIsCut(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := newRig(t, capstone.Config{DrainDelay: time.Millisecond}, time.Second)
		r.kill()
		signal := r.serve(2 * time.Second)
		defer r.stop()

		conn, err := r.l.DialContext(context.Background(), "pipe", "")
		require.NoError(t, err)
		defer conn.Close()
		io.WriteString(conn, "POST /orders HTTP/1.1\r\nHost: shop\r\nClient-Id: alice\r\nIdempotency-Key: slow\r\n"+
			"Content-Length: 100\r\n\r\n{") // and never the rest of the body
		at(r.origin, time.Second)
		signal()
		io.Copy(io.Discard, conn)
		cut := time.Since(r.origin)
		<-r.served
		assert.Equal(t, 3*time.Second, cut,
			"a client still sending its body when the grace (2s from the signal at 1s) ends is cut then, at 3s (srv.Close), "+
				"not when its ReadTimeout runs out; it was cut at %v", cut)
	})
}
