// Mistake: the database's error is returned as it is whenever its result wins the select, so a database that keeps the deadline itself and fails in its own words ("i/o timeout") at the instant the context ends makes the error lose context.DeadlineExceeded and ErrQueryTimeout in about half the cases, at random.
// Caught by: TestTheErrorSaysWhoseLimitRanOutWhenTheDatabaseTimesOutToo

package deadlines

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// No time left: do not send a query nobody will wait for.
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
		return r.answer, r.err // whatever the database says, even at the deadline
	case <-ctx.Done():
		return "", stopped(ctx)
	}
}
