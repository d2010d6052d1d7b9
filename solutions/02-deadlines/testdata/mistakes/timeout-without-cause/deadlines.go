// Mistake: the query timeout is a plain context.WithTimeout and the error is ctx.Err() alone, so "the database was too slow for our own limit" and "the caller ran out of time" read the same, and nobody can tell which one to fix.
// Caught by: TestTheErrorSaysWhoseLimitRanOut

package deadlines

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// Derived from the caller's ctx: the query gets min(what is left of the
	// caller's budget, queryTimeout).
	ctx, cancel := context.WithTimeout(ctx, s.queryTimeout)
	defer cancel()

	results := make(chan result, 1)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		return r.answer, r.err
	case <-ctx.Done():
		return "", ctx.Err() // DeadlineExceeded, whoever's deadline it was
	}
}
