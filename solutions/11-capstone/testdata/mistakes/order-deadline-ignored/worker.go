// Mistake: the order's deadline does not travel with its call, so an order nobody waits for any more is still sent, and the warehouse is never told how long it has.
// Caught by: TestTheWarehouseIsToldTheTimeLeftNotAClock, TestAnOrderWhoseDeadlinePassedWhileQueuedIsNotSent

package capstone

// send makes the outbound call: the bulkhead, the breaker, then retries
// within a budget. The worker's context has no deadline of the order's.
func (s *Service) send(ctx context.Context, rec Record) (string, error) {
	if err := s.bulkhead.Acquire(ctx); err != nil {
		return "", err
	}
	defer s.bulkhead.Release()
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
