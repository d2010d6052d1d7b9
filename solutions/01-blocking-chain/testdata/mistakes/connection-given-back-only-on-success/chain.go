// Mistake: the connection is given back after the orders query succeeds, not on every way out, so each request that fails or is cancelled keeps its connection forever, and once poolSize of them have, every later caller waits forever.
// Caught by: TestEveryWayOutOfHandleGivesTheConnectionBack

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
	select {
	case s.pool <- struct{}{}: // a free connection
	case <-ctx.Done(): // the caller stopped waiting while queued
		return Page{}, fmt.Errorf("user %s: waiting for a connection: %w", userID, ctx.Err())
	}

	user, err := s.db.Query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	orders, err := s.db.Query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	<-s.pool // both queries done: give the connection back
	return Page{User: user, Orders: orders}, nil
}
