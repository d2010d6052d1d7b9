// Mistake: Handle goes straight to the select on the pool, so when a connection is free and the caller's context has already ended, both cases are ready and Go picks one at random: half the time a request nobody waits for takes a connection and queries the database.
// Caught by: TestACallerWhoseContextHasEndedNeverTakesAConnection

package chain

// Handle builds userID's page: it asks the database for "user:<userID>", then
// for "orders:<the user answer>". It blocks for as long as the database takes,
// twice, plus any time spent waiting for a free connection.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	s.enter()
	defer s.leave()

	select {
	case s.pool <- struct{}{}: // a free connection
	case <-ctx.Done(): // the caller stopped waiting while queued
		return Page{}, fmt.Errorf("user %s: waiting for a connection: %w", userID, ctx.Err())
	}
	defer func() { <-s.pool }()

	user, err := s.db.Query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	orders, err := s.db.Query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	return Page{User: user, Orders: orders}, nil
}
