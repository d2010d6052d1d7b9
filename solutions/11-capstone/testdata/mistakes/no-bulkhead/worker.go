// Mistake: every worker calls the warehouse at once, so a slow warehouse holds all of them and gets all their calls.
// Caught by: TestABackoffDoesNotHoldABulkheadSlot, TestTheWarehouseGetsAtMostBulkheadCallsAtOnce

package capstone

// send gives an order its turn at the warehouse, composed from the outside
// in: a context that ends at deadline; retries within the budget; for each
// attempt, the bulkhead, the breaker, and the attempt's own timeout. Work
// nobody waits for is dropped at every hop. (The bulkhead is outside the
// breaker so that a trial call does not hold the breaker half-open while
// it waits for a slot; the cost: with the breaker open, an order may wait
// for a slot only to hear ErrOpen.)
func (s *Service) send(ctx context.Context, rec *Record, deadline time.Time) (string, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if !time.Now().Before(deadline) {
		return "", fmt.Errorf("%w: it expired in the queue", errStale)
	}
	var receipt string
	err := Retry(ctx, s.policy(rec), func(ctx context.Context) error {
		if time.Until(deadline) < time.Millisecond { // Request-Timeout says whole ms
			return fmt.Errorf("%w: it expired at the bulkhead", errStale)
		}
		return s.breaker.Call(ctx, func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, s.cfg.AttemptTimeout)
			defer cancel()
			var err error
			receipt, err = s.attempt(ctx, rec)
			return err
		})
	})
	return receipt, err
}
