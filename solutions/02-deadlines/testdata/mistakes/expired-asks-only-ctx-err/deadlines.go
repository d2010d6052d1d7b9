// Mistake: "is there time left?" asks only ctx.Err(), but a context's deadline can come an instant before its timer closes Done; a database whose own timer fires first then has its "i/o timeout" passed on as the error, and an orders query is sent with no time left.
// Caught by: TestTheErrorSaysWhoseLimitRanOutWhenTheDatabaseTimesOutToo, TestNoQueryIsSentOnceTheDeadlineHasCome

package deadlines

// expired reports whether ctx is done.
func expired(ctx context.Context) bool {
	return ctx.Err() != nil
}
