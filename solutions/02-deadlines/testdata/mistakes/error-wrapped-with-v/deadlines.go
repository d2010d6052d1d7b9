// Mistake: the step is added with %v instead of %w, so the message reads well but errors.Is(err, context.DeadlineExceeded) is false and callers cannot tell a timeout from any other failure.
// Caught by: TestHandleGivesUpExactlyAtTheDeadline, TestDeadlineErrorNamesTheStep, TestHandleStopsWaitingTheMomentTheClientCancels, TestTheErrorSaysWhoseLimitRanOut, TestTheErrorSaysWhoseLimitRanOutWhenTheDatabaseTimesOutToo, TestADatabaseErrorBeforeTheDeadlineIsNotCalledATimeout, TestNoQueryIsSentOnceTheDeadlineHasCome, TestCallerIsNotHeldByADatabaseThatIgnoresItsContext, TestQueryTimeoutFreesTheCallerFromAHangingDatabase

package deadlines

// Handle queries "user:<userID>", then "orders:<the user answer>", and
// returns both as a Page. It returns no later than ctx's deadline (or its
// cancellation), with an error that names the step it was waiting for and
// wraps ctx.Err(): context.DeadlineExceeded or context.Canceled. When the
// service's own query timeout ran out first, the error wraps
// ErrQueryTimeout too.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	user, err := s.query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %v", userID, err)
	}
	orders, err := s.query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %v", userID, err)
	}
	return Page{User: user, Orders: orders}, nil
}
