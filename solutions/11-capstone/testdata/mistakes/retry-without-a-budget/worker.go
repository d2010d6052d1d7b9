// Mistake: retries to the warehouse have no budget, so when it is down every order triples the load on it.
// Caught by: TestASentOrderWithNoAnswerEndsUnknownAndFreesItsClient, TestRetriesToTheWarehouseSpendABudget

package capstone

// policy is how the workers retry an order: within the service's budget,
// and as a retry from its second turn on.
func (s *Service) policy(rec *Record) RetryPolicy {
	s.mu.Lock()
	resumed := s.turns[rec.ID] > 0 || rec.State == Sending
	s.mu.Unlock()
	return RetryPolicy{
		Attempts: s.cfg.Attempts,
		Base:     s.cfg.BackoffBase,
		Cap:      s.cfg.BackoffCap,
		Rand:     s.cfg.Rand,
		Resumed:  resumed,
	}
}
