// Mistake: the optional parts may take up to the request's deadline, Margin ignored: the page leaves at the very instant its client gives up, and arrives to nobody.
// Caught by: TestAnOptionalPartNeverOutlivesTheRequestsDeadline

package degradation

// Handle builds userID's page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	optional, stop := context.WithTimeout(Lower(ctx, Sheddable), s.cfg.OptionalBudget) // never past ctx's deadline
	defer stop()
	on := s.cfg.Switch == nil || s.cfg.Switch.Enabled()
	recommendations := s.start(optional, on, s.recommendations, PartRecommendations, userID)
	activity := s.start(optional, on, s.activity, PartActivity, userID)

	profile, err := ask(ctx, s.profiles, PartProfile, userID)
	if err != nil {
		cancel(err)
		return Page{}, err
	}
	page := Page{Profile: profile}
	page.Recommendations = s.settle(optional, &page, PartRecommendations, userID, recommendations)
	page.Activity = s.settle(optional, &page, PartActivity, userID, activity)
	return page, nil
}
