// Mistake: the sleep is drawn from [0, Base·2^n) and Cap is never applied, so after a few failures a client sleeps for minutes while the dependency has long recovered.
// Caught by: TestBackoffDoublesFromBaseUpToTheCap, TestFullJitterApproachesButNeverPassesTheCap

package retries

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)). The randomness spreads clients
// that failed together, so they do not come back together.
func (p Policy) backoff(n int) time.Duration {
	// Double step by step and stop at the cap: Base<<n overflows for large
	// n and turns a long sleep into none.
	ceiling := p.Base
	for range n {
		ceiling *= 2
	}

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
