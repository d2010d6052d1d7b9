// Mistake: locks the mutex in Visit but reads n without it in Total ("it is only a read"); a read racing with a write is still a data race.
// Caught by: TestTotalCanBeReadWhileVisitorsArrive (race)

package warmup

// A Counter counts the visits to a page.
type Counter struct {
	mu sync.Mutex
	n  int
}

// Total returns the number of visits recorded so far.
func (c *Counter) Total() int {
	return c.n
}
