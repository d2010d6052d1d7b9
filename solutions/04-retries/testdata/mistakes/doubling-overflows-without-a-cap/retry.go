// Mistake: without a cap the doubling stops only once it reaches the largest time.Duration, which it never does: the step past it overflows, after 37 doublings of 100ms the ceiling turns negative, and a client that should wait longest retries at once.
// Caught by: TestAZeroCapMeansNoCapAndTheDoublingNeverOverflows

package retries

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)). The randomness spreads clients
// that failed together, so they do not come back together.
func (p Policy) backoff(n int) time.Duration {
	limit := p.Cap
	if limit <= 0 {
		limit = math.MaxInt64 // no cap
	}
	// Double step by step and stop at the limit: Base<<n, or one doubling
	// past the largest time.Duration, overflows and turns a long sleep into none.
	ceiling := max(p.Base, 0)
	for i := 0; i < n && ceiling < limit; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, limit)

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
