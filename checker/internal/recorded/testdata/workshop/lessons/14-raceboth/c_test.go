package raceboth

import (
	"sync"
	"testing"
	"time"
)

// TestTotalWhileVisiting makes the race detector report Visit's write and
// Total's read: nothing orders them, whatever order they run in. The
// sleep (not a synchronisation, for the race detector) only makes the
// write come first, so that the report reads the same in every recording.
func TestTotalWhileVisiting(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.Visit()
	}()
	time.Sleep(100 * time.Millisecond)
	_ = c.Total()
	wg.Wait()
}
