// Mistake: drops the cancel function of WithTimeoutCause ("the timeout cancels it anyway"), so a query that is answered in time leaves its context and timer alive until the timeout fires, one per query; the tests pass, and only go vet sees it.
// Caught by: go vet (lostcancel)

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
	// "The timeout cancels it anyway": so the cancel function is dropped.
	ctx, _ = context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout)

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
