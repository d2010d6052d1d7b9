// Mistake: the request is counted out only on the success path, so every failed request stays in the gauge forever and InFlight only grows.
// Caught by: TestInFlightDropsBackToZeroEvenWhenQueriesFail, TestEveryWayOutOfHandleCountsTheRequestOut

package chain

// Handle builds userID's page: it asks the database for "user:<userID>", then
// for "orders:<the user answer>". It blocks for as long as the database takes,
// twice, plus any time spent waiting for a free connection.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	s.enter()

	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	select {
	case s.pool <- struct{}{}: // a free connection
	case <-ctx.Done(): // the caller stopped waiting while queued
		return Page{}, fmt.Errorf("user %s: waiting for a connection: %w", userID, ctx.Err())
	}
	// One connection for both queries, as the exercise asks.
	defer func() { <-s.pool }()

	user, err := s.db.Query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	// This query needs the first answer, so it cannot start any earlier:
	// the two waits add up.
	orders, err := s.db.Query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	s.leave()
	return Page{User: user, Orders: orders}, nil
}
