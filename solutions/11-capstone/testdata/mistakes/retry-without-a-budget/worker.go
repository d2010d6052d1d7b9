// Mistake: retries to the warehouse have no budget, so when it is down every order triples the load on it.
// Caught by: TestRetriesToTheWarehouseSpendABudget

package capstone

// send makes the outbound call, composed from the outside in: the order's
// deadline, the bulkhead, the breaker, then retries within a budget. Work
// nobody waits for is dropped at every hop.
func (s *Service) send(ctx context.Context, rec Record) (string, error) {
	ctx, cancel := context.WithDeadline(ctx, rec.Deadline)
	defer cancel()
	if stale(rec) {
		return "", fmt.Errorf("%w: its deadline passed while it was queued", errStale)
	}
	if err := s.bulkhead.Acquire(ctx); err != nil {
		return "", fmt.Errorf("%w: its deadline passed while it waited for the bulkhead", errStale)
	}
	defer s.bulkhead.Release()
	if stale(rec) {
		return "", fmt.Errorf("%w: its deadline passed while it waited for the bulkhead", errStale)
	}
	var receipt string
	err := s.breaker.Call(ctx, func(ctx context.Context) error {
		policy := RetryPolicy{
			Attempts: s.cfg.Attempts,
			Base:     s.cfg.BackoffBase,
			Cap:      s.cfg.BackoffCap,
			Rand:     s.cfg.Rand, // and no Budget
		}
		return Retry(ctx, policy, func(ctx context.Context) error {
			var err error
			receipt, err = s.call(ctx, rec)
			return err
		})
	})
	return receipt, err
}
