// Mistake: the optional parts' budget is a context of its own made from context.Background(), not from the request's, so it does not end when the request's deadline does: a client with 250ms left waits 300ms.
// Caught by: TestAnOptionalPartNeverOutlivesTheRequestsDeadline

package degradation

// Handle builds userID's page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil) // nothing Handle started outlives it

	// The optional parts have a budget of their own, whatever the request's.
	optional, stop := context.WithTimeout(WithCriticality(context.Background(), Sheddable), s.cfg.OptionalBudget)
	defer stop()
	on := s.cfg.Switch == nil || s.cfg.Switch.Enabled()
	recommendations := s.start(optional, on, s.recommendations, PartRecommendations, userID)
	activity := s.start(optional, on, s.activity, PartActivity, userID)

	profile, err := ask(ctx, s.profiles, PartProfile, userID)
	if err != nil {
		cancel(err) // nobody will read the optional parts now
		return Page{}, err
	}
	page := Page{Profile: profile}
	page.Recommendations = s.settle(optional, &page, PartRecommendations, userID, recommendations)
	page.Activity = s.settle(optional, &page, PartActivity, userID, activity)
	return page, nil
}
