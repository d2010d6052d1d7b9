// Package lockhang holds a lock while it waits for an answer that only
// a caller of the same lock can give.
package lockhang

import "sync"

// Box hands one value from Put to Get.
type Box struct {
	mu sync.Mutex
	ch chan int
}

// New makes an empty box.
func New() *Box { return &Box{ch: make(chan int)} }

// Get waits for a value while it holds the lock.
func (b *Box) Get(done <-chan struct{}) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case v := <-b.ch:
		return v
	case <-done:
		return 0
	}
}

// Put hands a value over, but first takes the lock Get holds.
func (b *Box) Put(v int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ch <- v
}
