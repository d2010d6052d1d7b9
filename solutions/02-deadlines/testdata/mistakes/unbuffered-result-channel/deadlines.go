// Mistake: the result channel is unbuffered, so when the caller has already left, the goroutine blocks forever on its send: one leaked goroutine per abandoned query (the test's bubble reports it and the test binary stops).
// Caught by: TestHandleGivesUpExactlyAtTheDeadline (leak), TestDeadlineErrorNamesTheStep (leak), TestHandleStopsWaitingTheMomentTheClientCancels (leak), TestTheErrorSaysWhoseLimitRanOut (leak), TestCallerIsNotHeldByADatabaseThatIgnoresItsContext (leak), TestQueryTimeoutFreesTheCallerFromAHangingDatabase (leak)

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
	results := make(chan result)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		return r.answer, r.err
	case <-ctx.Done():
		// The database may not be listening: stop waiting for it anyway.
		return "", ctx.Err()
	}
}
