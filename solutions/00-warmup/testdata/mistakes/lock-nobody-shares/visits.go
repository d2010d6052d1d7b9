// Mistake: declares the mutex inside Visit, so every call locks a fresh mutex of its own; nobody ever waits for anybody, and the visits still race.
// Caught by: TestEveryVisitIsCounted (race), TestTotalCanBeReadWhileVisitorsArrive (race)

package warmup

// A Counter counts the visits to a page.
type Counter struct {
	n int
}

// Visit records one visit.
func (c *Counter) Visit() {
	var mu sync.Mutex
	mu.Lock()
	c.n++
	mu.Unlock()
}

// Total returns the number of visits recorded so far.
func (c *Counter) Total() int {
	var mu sync.Mutex
	mu.Lock()
	defer mu.Unlock()
	return c.n
}
