// Mistake: each query takes and gives back its own connection, against what the exercise asks, so a request with half its work done queues again behind the others: with 7 callers and 3 connections the mean wait rises from 3.4s to 4s and the first pages come at 3s instead of 2s (though the last comes at 5s instead of 6s).
// Caught by: TestCallersAreServedInRoundsOfThePoolSize, TestWaitingPilesUpInFrontOfThePool

package chain

// Handle builds userID's page: it asks the database for "user:<userID>", then
// for "orders:<the user answer>". It blocks for as long as the database takes,
// twice, plus any time spent waiting for a free connection.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	s.enter()
	defer s.leave() // deferred, so a failed request leaves the gauge too

	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	user, err := s.query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	// This query needs the first answer, so it cannot start any earlier:
	// the two waits add up.
	orders, err := s.query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	return Page{User: user, Orders: orders}, nil
}

// query holds a connection only while the database works on q.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	select {
	case s.pool <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("waiting for a connection: %w", ctx.Err())
	}
	defer func() { <-s.pool }()
	return s.db.Query(ctx, q)
}
