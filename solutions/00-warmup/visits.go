package warmup

import "sync"

// A Counter counts the visits to a page. Visitors arrive on many goroutines
// at once, so Visit and Total may be called concurrently. The zero value is
// ready to use and counts from 0.
type Counter struct {
	// mu makes visitors take turns on n: each waits, briefly, for the one
	// holding it. Readers take turns too: a read racing a write is a data
	// race, a bug and not merely a stale number: the program may be stopped
	// for it, and even for an int the reader is not promised ever to see a
	// new visit. With the lock, each Unlock happens before the next Lock,
	// so Total sees every visit that held the lock before it did.
	mu sync.Mutex
	n  int
}

// Visit records one visit.
func (c *Counter) Visit() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// Total returns the number of visits recorded so far.
func (c *Counter) Total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
