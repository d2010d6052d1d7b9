// Mistake: retries to the warehouse have no budget, so when it is down every order triples the load on it.
// Caught by: TestAValidOrderIsAcceptedWith202ALocationAndRetryAfter

package capstone

// policy is how the workers retry: within the service's budget.
func (s *Service) policy() RetryPolicy {
	return RetryPolicy{
		Attempts: s.cfg.Attempts,
		Base:     s.cfg.BackoffBase,
		Cap:      s.cfg.BackoffCap,
		Rand:     s.cfg.Rand,
	}
}
