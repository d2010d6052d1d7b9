// Mistake: Handle returns the query's error as it is, so the caller reads a bare "context deadline exceeded" and cannot tell which wait ran out.
// Caught by: TestDeadlineErrorNamesTheStep

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
		return Page{}, err
	}
	orders, err := s.query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, err
	}
	return Page{User: user, Orders: orders}, nil
}
