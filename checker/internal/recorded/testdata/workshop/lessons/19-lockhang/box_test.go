package lockhang

import (
	"runtime"
	"testing"
)

// TestPutReachesGet hangs: Get waits in a select while it holds the lock,
// and Put waits for the lock. The test's goroutine waits in
// sync.Mutex.Lock; the goroutine of Get, listed too, waits in a select.
func TestPutReachesGet(t *testing.T) {
	b := New()
	got := make(chan int, 1)
	go func() { got <- b.Get(nil) }()
	for b.mu.TryLock() { // until Get holds the lock
		b.mu.Unlock()
		runtime.Gosched()
	}
	b.Put(1)
	if v := <-got; v != 1 {
		t.Errorf("Get got %d, want 1", v)
	}
}
