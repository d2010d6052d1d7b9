// Mistake: every error of the database is taken for the deadline's: the query waits for its context to end and reports a timeout, so a database that refuses at once holds the caller until the query timeout, and its real error is lost.
// Caught by: TestADatabaseErrorBeforeTheDeadlineIsNotCalledATimeout

package deadlines

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	if expired(ctx) {
		return "", stopped(ctx)
	}

	ctx, cancel := context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout)
	defer cancel()

	results := make(chan result, 1)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		if r.err != nil {
			// Surely the deadline: wait for it, and say so.
			<-ctx.Done()
			return "", stopped(ctx)
		}
		return r.answer, nil
	case <-ctx.Done():
		return "", stopped(ctx)
	}
}
