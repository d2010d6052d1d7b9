// Mistake: every worker calls the warehouse at once, so a slow warehouse holds all of them and gets all their calls.
// Caught by: TestTheWarehouseGetsAtMostBulkheadCallsAtOnce

package capstone

// send makes the outbound call, composed from the outside in: the order's
// deadline, the bulkhead, the breaker, then retries within a budget. Work
// nobody waits for is dropped at every hop.
func (s *Service) send(ctx context.Context, rec Record) (string, error) {
	ctx, cancel := context.WithDeadline(ctx, rec.Deadline)
	defer cancel()
	if stale(rec) {
		return "", fmt.Errorf("%w: it expired in the queue", errStale)
	}
	var receipt string
	err := s.breaker.Call(ctx, func(ctx context.Context) error {
		return Retry(ctx, s.policy(), func(ctx context.Context) error {
			var err error
			receipt, err = s.call(ctx, rec)
			return err
		})
	})
	return receipt, err
}
