// Mistake: the sleep is drawn from [0, Base·2^n) and Cap is never applied, so after a few failures a client sleeps for minutes while the dependency has long recovered.
// Caught by: TestBackoffDoublesFromBaseUpToTheCap, TestFullJitterApproachesButNeverPassesTheCap

package retries

// backoff is how long to sleep before retry n, with no cap.
func (p Policy) backoff(n int) time.Duration {
	ceiling := max(p.Base, 0)
	for i := 0; i < n && ceiling <= math.MaxInt64/2; i++ {
		ceiling *= 2
	}

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
