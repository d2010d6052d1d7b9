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

func TestKeyedMakesTheEffectHappenOncePerIdempotencyKey(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := effect.New("charge")
		first := s.Keyed("order-7", "order-7/charge")
		again := s.Keyed("order-7", "order-7/charge")
		other := s.Keyed("order-7", "order-7/refund")
		if first != "charge #1 for order-7" || again != first || other != "charge #2 for order-7" {
			t.Errorf("receipts %q, %q, %q; want charge #1 twice (the repeat gets the first receipt), then #2 for another key", first, again, other)
		}
		if got := s.Count("order-7"); got != 2 {
			t.Errorf("Count(order-7) = %d, want 2: a repeat of a known key is not an effect", got)
		}
		if got, refused := s.Total(), s.Refused(); got != 2 || refused != 0 {
			t.Errorf("Total = %d, Refused = %d; want 2 and 0: a repeat is neither an effect nor a refusal", got, refused)
		}
		if log := s.Log(); len(log) != 3 || !log[1].Replay || log[1].Receipt != first || log[0].Replay || log[2].Replay {
			t.Errorf("log %+v: want 3 entries, the second a replay of the first receipt", log)
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
		time.Sleep(time.Second)
		s.Keyed("order-8", "k")
		s.Keyed("order-8", "k")
		want := "  1s      charge #1 for order-7\n" +
			"  1.5s    charge #2 for order-7 (token 5)\n" +
			"  1.5s    refused: order-7 with token 4 (stale)\n" +
			"  2.5s    charge #3 for order-8\n" +
			"  2.5s    repeat of charge #3 for order-8: nothing happened\n"
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
				s.Keyed(key, key)
				_ = s.Count(key)
				_ = s.Log()
				_ = s.Refused()
			})
		}
		wg.Wait()
		if got := s.Total() + s.Refused(); got != 105 {
			t.Errorf("effects + refusals = %d, want 105 (50 Apply, 50 Fenced, 5 first Keyed)", got)
		}
		if got := len(s.Log()); got != 150 {
			t.Errorf("log has %d entries, want 150", got)
		}
	})
}
