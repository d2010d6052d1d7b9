// Mistake: when the orders query fails, Handle returns the user it already has along with the error ("half a page is better than none"), so a caller that checks the page before the error shows a page that looks whole but is not.
// Caught by: TestHandleReturnsNoPageWhenAStepFails

package deadlines

// Handle queries "user:<userID>", then "orders:<the user answer>", and
// returns both as a Page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	user, err := s.query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	orders, err := s.query(ctx, "orders:"+user)
	if err != nil {
		// Keep what we have: the caller can still show the user.
		return Page{User: user}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	return Page{User: user, Orders: orders}, nil
}
