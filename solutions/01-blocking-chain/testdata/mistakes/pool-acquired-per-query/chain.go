// Mistake: each query takes and gives back its own connection, so between the two queries the request goes to the back of the queue and everyone waits longer.
// Caught by: TestCallersAreServedInRoundsOfThePoolSize, TestWaitingPilesUpInFrontOfThePool

package chain

// Handle builds userID's page: it asks the database for "user:<userID>", then
// for "orders:<the user answer>". It blocks for as long as the database takes,
// twice, plus any time spent waiting for a free connection.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	s.enter()
	defer s.leave() // deferred, so a failed request leaves the gauge too

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
