// Mistake: the query is called directly, trusting the database to return when ctx is done; a driver that ignores its context then holds the caller for as long as it likes.
// Caught by: TestTheErrorSaysWhoseLimitRanOut, TestCallerIsNotHeldByADatabaseThatIgnoresItsContext, TestQueryTimeoutFreesTheCallerFromAHangingDatabase

package deadlines

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// Derived from the caller's ctx: the query gets min(what is left of the
	// caller's budget, queryTimeout). A child can shorten a deadline, never
	// extend it.
	ctx, cancel := context.WithTimeout(ctx, s.queryTimeout)
	defer cancel() // tells a listening database to stop as soon as we leave

	// The database gets ctx; surely it will stop when ctx is done.
	return s.db.Query(ctx, q)
}
