// Mistake: the query is called directly, trusting the database to return when ctx is done; a driver that ignores its context then holds the caller for as long as it likes.
// Caught by: TestCallerIsNotHeldByADatabaseThatIgnoresItsContext, TestQueryTimeoutFreesTheCallerFromAHangingDatabase

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
	ctx, cancel := context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout)
	// cancel tells the driver to stop waiting. Whether the database stops
	// working is up to the database.
	defer cancel()

	// The database gets ctx; surely it will stop when ctx is done.
	answer, err := s.db.Query(ctx, q)
	if err != nil && expired(ctx) {
		return "", stopped(ctx)
	}
	return answer, err
}
