// Mistake: the ceiling is min(Cap, Base<<n): for large n the shift overflows time.Duration, turns negative or zero, and a client that should wait at the cap retries at once.
// Caught by: TestBackoffDoublesFromBaseUpToTheCap, TestAZeroCapMeansNoCapAndTheDoublingNeverOverflows

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
	ceiling := min(p.Base<<n, limit)

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
