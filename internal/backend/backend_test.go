package backend_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestCallTakesItsLatencyExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := backend.New("db", backend.Latency(2*time.Second))
		start := time.Now()
		got, err := db.Call(t.Context(), "q")
		if err != nil {
			t.Fatal(err)
		}
		if got != "db: q" {
			t.Errorf("got reply %q, want %q", got, "db: q")
		}
		if waited := time.Since(start); waited != 2*time.Second {
			t.Errorf("got wait %v, want 2s", waited)
		}
	})
}

func TestLatencyFuncAndFailFuncCountCallsFromOne(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		boom := errors.New("boom")
		db := backend.New("db",
			backend.LatencyFunc(func(n int) time.Duration { return time.Duration(n) * time.Second }),
			backend.FailFunc(func(n int) error {
				if n == 2 {
					return boom
				}
				return nil
			}))
		for n, want := range []error{nil, boom, nil} {
			start := time.Now()
			_, err := db.Call(t.Context(), "q")
			if !errors.Is(err, want) {
				t.Errorf("call %d: got error %v, want %v", n+1, err, want)
			}
			if got, want := time.Since(start), time.Duration(n+1)*time.Second; got != want {
				t.Errorf("call %d: got wait %v, want %v", n+1, got, want)
			}
		}
		if got := db.Calls(); got != 3 {
			t.Errorf("got %d calls, want 3", got)
		}
	})
}

func TestHonouringCallEndsAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := backend.New("db", backend.Latency(5*time.Second))
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := db.Call(ctx, "q")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got error %v, want one wrapping context.DeadlineExceeded", err)
		}
		if got := time.Since(start); got != time.Second {
			t.Errorf("got wait %v, want 1s", got)
		}
		if got := db.Stats().GaveUp; got != 1 {
			t.Errorf("got GaveUp %d, want 1", got)
		}
	})
}

func TestIgnoringCallTakesItsWholeLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := backend.New("db", backend.Latency(5*time.Second), backend.IgnoreContext())
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		_, err := db.Call(ctx, "q")
		if err != nil {
			t.Errorf("got error %v, want nil: the backend did not listen", err)
		}
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("got wait %v, want 5s", got)
		}
	})
}

func TestHangEndsWithContextOrRelease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := backend.New("db", backend.Hang())
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Second)
		defer cancel()
		if _, err := db.Call(ctx, "q"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("honouring hang: got %v, want DeadlineExceeded", err)
		}

		deaf := backend.New("deaf", backend.Hang(), backend.IgnoreContext())
		errc := make(chan error, 1)
		go func() {
			_, err := deaf.Call(ctx, "q")
			errc <- err
		}()
		time.Sleep(time.Hour)
		synctest.Wait()
		if got := deaf.Stats().InFlight; got != 1 {
			t.Fatalf("got %d in flight after an hour, want 1 (still hanging)", got)
		}
		deaf.Release()
		if err := <-errc; !errors.Is(err, backend.ErrReleased) {
			t.Errorf("got %v, want ErrReleased", err)
		}
	})
}

func TestCapacityQueuesCallers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n, k, d = 7, 3, time.Second
		db := backend.New("db", backend.Latency(d), backend.Capacity(k))
		var (
			wg      sync.WaitGroup
			mu      sync.Mutex
			slowest time.Duration
		)
		for range n {
			wg.Go(func() {
				start := time.Now()
				if _, err := db.Call(t.Context(), "q"); err != nil {
					t.Error(err)
				}
				mu.Lock()
				slowest = max(slowest, time.Since(start))
				mu.Unlock()
			})
		}
		wg.Wait()
		// ⌈7/3⌉ = 3 rounds of 1s.
		if slowest != 3*d {
			t.Errorf("got slowest caller %v, want 3s", slowest)
		}
		s := db.Stats()
		if s.PeakInFlight != n || s.PeakServing != k || s.InFlight != 0 {
			t.Errorf("got %+v, want PeakInFlight %d, PeakServing %d, InFlight 0", s, n, k)
		}
	})
}

func TestQueuedCallerGivesUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		db := backend.New("db", backend.Latency(10*time.Second), backend.Capacity(1))
		go db.Call(context.Background(), "first")
		synctest.Wait()
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		if _, err := db.Call(ctx, "second"); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want DeadlineExceeded while queued", err)
		}
		time.Sleep(10 * time.Second) // let the first call finish
		synctest.Wait()
	})
}

func TestSetChangesLaterCalls(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		down := errors.New("down")
		db := backend.New("db", backend.FailWith(down))
		if _, err := db.Call(t.Context(), "q"); !errors.Is(err, down) {
			t.Errorf("got %v, want down", err)
		}
		db.Set(backend.FailWith(nil), backend.Reply(func(n int, req string) string { return "ok" }))
		if got, err := db.Call(t.Context(), "q"); err != nil || got != "ok" {
			t.Errorf("got %q, %v; want ok, nil", got, err)
		}
	})
}

func TestRecordDrawsEachCall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		db := backend.New("database", backend.Latency(time.Second), backend.Record(tl))
		time.Sleep(time.Second)
		db.Call(t.Context(), "q")
		want := "" +
			"          0s        500ms     1s        1.5s      2s\n" +
			"database                      |===================|  1.0s\n"
		if got := tl.String(); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
}
