// Mistake: Probability reads the counts without the lock, "only to report a number": it races with every request that counts itself, and may read a window half-way through a change.
// Caught by: TestConcurrentCallersShareTheThrottleSafely (race)

package degradation

// Probability returns the probability that a request of criticality c
// made now is rejected locally.
func (t *Throttle) Probability(c Criticality) float64 {
	return t.probability(t.window(c), time.Now())
}
