package lab

import (
	"context"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestTheLineServesWaitingCallersInTheOrderTheyCame(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		line := NewLine(1)
		require.NoError(t, line.Enter(t.Context()))
		var mu sync.Mutex
		var order []int
		var wg sync.WaitGroup
		for i := range 3 {
			time.Sleep(time.Second)
			wg.Go(func() {
				require.NoError(t, line.Enter(context.Background()))
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				time.Sleep(time.Second)
				line.Leave()
			})
		}
		synctest.Wait()
		look := line.Look()
		assert.Equal(t, 3, look.Depth, "three callers wait for the one slot")
		assert.Equal(t, 2*time.Second, time.Since(look.Oldest), "the oldest caller came at 1s and it is 3s now: it has waited 2s")
		line.Leave()
		wg.Wait()
		assert.Equal(t, []int{0, 1, 2}, order, "callers got the slot out of order; a line serves the longest waiting first")
	})
}

func TestACallerWhoseDeadlinePassesLeavesTheLine(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		line := NewLine(1)
		require.NoError(t, line.Enter(t.Context()))
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		start := time.Now()
		err := line.Enter(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded, "the caller should give up at its deadline")
		assert.Equal(t, time.Second, time.Since(start), "the caller waited past its deadline")
		assert.Equal(t, Look{InFlight: 1}, line.Look(), "a caller that gave up is still counted in the line")
		line.Leave()
		require.NoError(t, line.Enter(t.Context()), "the slot was not given back")
	})
}

func TestTheBoundedQueueRefusesSheddableOrdersAtHalfAndCriticalOnesWhenFull(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		q := NewQueue(4)
		push := func(c Class) bool { return q.Push(job{order: Order{Class: c}}) }
		assert.True(t, push(Sheddable))
		assert.True(t, push(Sheddable))
		assert.False(t, push(Sheddable), "a queue half full should refuse sheddable orders, to keep room for critical ones")
		assert.True(t, push(Critical))
		assert.True(t, push(Critical))
		assert.False(t, push(Critical), "a full queue should refuse critical orders too")
		assert.True(t, NewQueue(0).Push(job{}), "a queue without a limit never refuses")
	})
}

func TestFinishedResultsBeyondTheKeepAreForgotten(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		r := NewResults(3, time.Minute)
		for id := range int64(5) {
			r.Add(id)
			r.Finish(id, nil)
		}
		assert.Equal(t, 3, r.Len(), "a store that keeps 3 results holds more; memory grows with every order")
		assert.ErrorIs(t, r.Wait(t.Context(), 0), ErrUnknown, "the oldest result should be forgotten")
		assert.NoError(t, r.Wait(t.Context(), 4), "the newest result should be kept")

		time.Sleep(time.Minute + time.Nanosecond)
		r.Add(5)
		r.Finish(5, nil)
		assert.Equal(t, 1, r.Len(), "results older than the TTL should be forgotten")
	})
}

func TestTheBudgetLetsATenthOfOrdersRetryPlusItsCap(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		b := BudgetedRetries(0, 0).Budget
		retries := 0
		for range 1000 { // a dependency that is down: every order wants a retry
			b.Request()
			if b.TryRetry() {
				retries++
			}
		}
		// The cap's 10 tokens, then one for every ten orders: the first
		// order's deposit is lost to the cap.
		assert.Equal(t, 10+99, retries, "1,000 failing orders should retry 109 times (a tenth, plus the cap)")
	})
}
