// Mistake: the query returns context.Cause(ctx) alone, so when the query timeout fires the error says "query timeout" but no longer wraps context.DeadlineExceeded, and callers that check for a timeout with errors.Is miss it.
// Caught by: TestTheErrorSaysWhoseLimitRanOut, TestTheErrorSaysWhoseLimitRanOutWhenTheDatabaseTimesOutToo, TestQueryTimeoutFreesTheCallerFromAHangingDatabase

package deadlines

// stopped is the error for a query whose context is done: why it is done.
func stopped(ctx context.Context) error {
	return context.Cause(ctx)
}
