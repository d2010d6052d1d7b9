// Mistake: the request waits for a connection with a plain send on the pool, so a caller who has given up stays queued until a connection frees up.
// Caught by: TestACallerQueuedForAConnectionGivesUpWhenItsContextEnds

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
	s.pool <- struct{}{} // wait for a free connection
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
	return Page{User: user, Orders: orders}, nil
}
