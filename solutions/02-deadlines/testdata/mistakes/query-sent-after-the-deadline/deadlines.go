// Mistake: a query is sent without first checking that the caller has time left, so when the user answer comes at the instant the deadline passes, the orders query still goes to the database, for nobody (a deaf database then works on it in full).
// Caught by: TestNoQueryIsSentOnceTheDeadlineHasCome

package deadlines

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	ctx, cancel := context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout)
	defer cancel()

	results := make(chan result, 1)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		if r.err != nil && expired(ctx) {
			return "", stopped(ctx)
		}
		return r.answer, r.err
	case <-ctx.Done():
		return "", stopped(ctx)
	}
}
