// Mistake: n is an atomic.Int64, but a visit is a Load and then a Store of the value plus one: each step is atomic, so -race has nothing to report, yet two visitors can load the same value and one visit is lost (Add does it in one step).
// Caught by: TestEveryVisitIsCounted

package warmup

import "sync/atomic"

// A Counter counts the visits to a page.
type Counter struct {
	n atomic.Int64 // only touched through atomic operations
}

// Visit records one visit.
func (c *Counter) Visit() {
	c.n.Store(c.n.Load() + 1)
}

// Total returns the number of visits recorded so far.
func (c *Counter) Total() int {
	return int(c.n.Load())
}
