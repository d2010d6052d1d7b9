package effect_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/effect"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestApplyCountsEveryCallAsOneMoreEffect(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := effect.New("charge")
		start := time.Now()
		time.Sleep(1500 * time.Millisecond)
		first := s.Apply("order-7")
		time.Sleep(time.Second)
		second := s.Apply("order-7")
		other := s.Apply("order-8")

		if first != "charge #1 for order-7" || second != "charge #2 for order-7" || other != "charge #3 for order-8" {
			t.Errorf("receipts %q, %q, %q; want charge #1 and #2 for order-7, #3 for order-8", first, second, other)
		}
		if got := s.Count("order-7"); got != 2 {
			t.Errorf("Count(order-7) = %d, want 2: Apply twice is two effects", got)
		}
		if got := s.Count("order-9"); got != 0 {
			t.Errorf("Count(order-9) = %d, want 0", got)
		}
		if got := s.Total(); got != 3 {
			t.Errorf("Total = %d, want 3", got)
		}
		log := s.Log()
		if len(log) != 3 || log[0].At.Sub(start) != 1500*time.Millisecond || log[1].At.Sub(start) != 2500*time.Millisecond {
			t.Errorf("log %+v: want 3 entries, at 1.5s, 2.5s and 2.5s", log)
		}
	})
}

func TestFencedRefusesATokenOlderThanTheNewestForItsKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := effect.New("charge")
		if _, err := s.Fenced("order-7", 2); err != nil {
			t.Fatalf("token 2, the first for order-7: %v", err)
		}
		if _, err := s.Fenced("order-7", 2); err != nil {
			t.Errorf("token 2 again: %v; the same token may write again", err)
		}
		receipt, err := s.Fenced("order-7", 1)
		if !errors.Is(err, effect.ErrStaleToken) || receipt != "" {
			t.Errorf("token 1 after token 2: got %q, %v; want no receipt and ErrStaleToken", receipt, err)
		}
		if _, err := s.Fenced("order-8", 1); err != nil {
			t.Errorf("token 1 for another key: %v; tokens are compared per key", err)
		}
		if _, err := s.Fenced("order-7", 3); err != nil {
			t.Errorf("token 3 after token 2: %v; a newer token always writes", err)
		}
		if got := s.Count("order-7"); got != 3 {
			t.Errorf("Count(order-7) = %d, want 3: the refused write did not happen", got)
		}
		if got := s.Refused(); got != 1 {
			t.Errorf("Refused = %d, want 1", got)
		}
		if got := s.Total(); got != 4 {
			t.Errorf("Total = %d, want 4", got)
		}
	})
}

func TestTableShowsEachEntryAtItsInstant(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := effect.New("charge")
		start := time.Now()
		time.Sleep(time.Second)
		s.Apply("order-7")
		time.Sleep(500 * time.Millisecond)
		if _, err := s.Fenced("order-7", 5); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Fenced("order-7", 4); err == nil {
			t.Fatal("token 4 after token 5 was accepted")
		}
		want := "  1s      charge #1 for order-7\n" +
			"  1.5s    charge #2 for order-7 (token 5)\n" +
			"  1.5s    refused: order-7 with token 4 (stale)\n"
		if got := s.Table(start); got != want {
			t.Errorf("Table:\n%s\nwant:\n%s", got, want)
		}
		if got := effect.New("x").Table(start); got != "(no effect happened)\n" {
			t.Errorf("an empty store's Table: %q", got)
		}
	})
}

func TestConcurrentWritersAreCountedExactly(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := effect.New("charge")
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				key := fmt.Sprintf("order-%d", i%5)
				s.Apply(key)
				_, _ = s.Fenced(key, uint64(i))
				_ = s.Count(key)
				_ = s.Log()
				_ = s.Refused()
			})
		}
		wg.Wait()
		if got := s.Total() + s.Refused(); got != 100 {
			t.Errorf("effects + refusals = %d, want 100 (50 Apply, 50 Fenced)", got)
		}
		if got := len(s.Log()); got != 100 {
			t.Errorf("log has %d entries, want 100", got)
		}
	})
}
