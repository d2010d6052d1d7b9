// Mistake: Enabled reads the position without the lock ("a bool is read in one go"): pages ask while the queue's observers change it, a data race, and the Go memory model promises nothing about what such a read sees.
// Caught by: TestConcurrentObserversShareTheSwitchSafely (race)

package degradation

// Enabled reports whether optional work is on.
func (s *Switch) Enabled() bool {
	return !s.off
}
