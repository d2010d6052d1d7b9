// Mistake: a success does not reset the failure count, so the breaker counts failures in all instead of failures in a row and trips on a dependency that fails now and then but works.
// Caught by: TestASuccessInBetweenResetsTheFailureCount

package breaker

// record counts the result of a call admitted in generation gen.
func (b *Breaker) record(gen uint64, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tick(now)
	if gen != b.generation {
		// The call started before the last change of state: it says
		// nothing about the dependency as it is now (a success from before
		// the trip must not close the breaker, a failure from before the
		// last close must not count towards the next trip).
		return
	}
	switch b.state {
	case Closed:
		if err == nil {
			return
		}
		b.failures++
		if b.failures > b.settings.MaxFailures {
			b.setState(Open, now)
		}
	case HalfOpen:
		if err == nil {
			b.setState(Closed, now)
		} else {
			b.setState(Open, now) // and the timeout starts again
		}
	}
}
