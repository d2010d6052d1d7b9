package warmup

// A Counter counts the visits to a page. Visitors arrive on many goroutines
// at once, so Visit and Total may be called concurrently. The zero value is
// ready to use and counts from 0.
type Counter struct {
	// TODO(3): n is read and written by many goroutines, and nothing orders
	// their accesses: a data race. Guard it with a sync.Mutex (or make it a
	// sync/atomic integer), in Visit AND in Total.
	n int
}

// Visit records one visit.
func (c *Counter) Visit() {
	c.n++
}

// Total returns the number of visits recorded so far.
func (c *Counter) Total() int {
	return c.n
}
