// Mistake: the select waits on its own time.After(queryTimeout) instead of ctx.Done(), so a deaf database still holds the caller past the caller's own deadline (and past a cancellation).
// Caught by: TestTheErrorSaysWhoseLimitRanOut, TestCallerIsNotHeldByADatabaseThatIgnoresItsContext

package deadlines

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// Derived from the caller's ctx: the query gets min(what is left of the
	// caller's budget, queryTimeout). A child can shorten a deadline, never
	// extend it.
	ctx, cancel := context.WithTimeout(ctx, s.queryTimeout)
	defer cancel() // tells a listening database to stop as soon as we leave

	// Capacity 1: if we leave first, the goroutine can still hand over its
	// result, and exit, whenever the database finally answers.
	results := make(chan result, 1)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		return r.answer, r.err
	case <-time.After(s.queryTimeout):
		// The database may not be listening: stop waiting for it anyway.
		return "", context.DeadlineExceeded
	}
}
