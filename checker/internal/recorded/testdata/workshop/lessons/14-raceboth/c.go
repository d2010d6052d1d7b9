// Package raceboth locks a counter where it writes and not where it reads.
package raceboth

import "sync"

// Counter counts visits.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Visit adds one, under the lock.
func (c *Counter) Visit() {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
}

// Total reads the count without the lock: this is the line at fault.
func (c *Counter) Total() int {
	return c.n
}
