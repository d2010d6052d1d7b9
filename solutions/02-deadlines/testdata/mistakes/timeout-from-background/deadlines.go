// Mistake: each query's timeout starts from context.Background() instead of the caller's ctx, so a query can outlive (extend) its caller's deadline and never hears of a cancellation.
// Caught by: TestOrdersQueryGetsWhatIsLeftOfTheBudget, TestQueryTimeoutNeverExtendsTheClientsDeadline, TestHandleGivesUpExactlyAtTheDeadline, TestDeadlineErrorNamesTheStep, TestHandleStopsWaitingTheMomentTheClientCancels, TestTheErrorSaysWhoseLimitRanOut, TestTheErrorSaysWhoseLimitRanOutWhenTheDatabaseTimesOutToo, TestCallerIsNotHeldByADatabaseThatIgnoresItsContext, TestHandleReturnsNoPageWhenAStepFails

package deadlines

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// No time left: do not send a query nobody will wait for.
	if expired(ctx) {
		return "", stopped(ctx)
	}

	// Derived from the caller's ctx: the query gets min(what is left of the
	// caller's budget, queryTimeout). A child can shorten a deadline, never
	// extend it. The cause tells the two limits apart: if our timeout fires
	// first, context.Cause(ctx) is ErrQueryTimeout; if the caller's deadline
	// does, it is whatever the caller's context says.
	ctx, cancel := context.WithTimeoutCause(context.Background(), s.queryTimeout, ErrQueryTimeout)
	// cancel tells the driver to stop waiting. Whether the database stops
	// working is up to the database.
	defer cancel()

	// A stopgap, for a database that may ignore its context: the caller
	// leaves at the deadline, the query runs on in its goroutine (in a real
	// service, on its connection too). Capacity 1: when the database
	// answers, the goroutine hands the answer over and exits, read or not.
	// (An answer that holds a resource, such as rows, would have to be
	// closed by the goroutine when nobody takes it.)
	results := make(chan result, 1)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		// Past the deadline a failure is the context's: a database that
		// keeps the deadline itself fails in its own words ("i/o timeout")
		// at the instant ctx ends, and Go picks at random between two
		// ready cases. Decide from the context, not from the pick.
		if r.err != nil && expired(ctx) {
			return "", stopped(ctx)
		}
		return r.answer, r.err
	case <-ctx.Done():
		// The database may not be listening: stop waiting for it anyway.
		return "", stopped(ctx)
	}
}
