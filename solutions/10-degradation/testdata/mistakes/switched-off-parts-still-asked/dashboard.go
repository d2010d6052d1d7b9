// Mistake: the switch only hides the optional parts: they are still asked for, and their answers thrown away, so switching off sheds none of the load it is there to shed.
// Caught by: TestWhileSwitchedOffTheOptionalPartsAreNotAsked

package degradation

// Handle builds userID's page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil) // nothing Handle started outlives it

	optional, stop := context.WithTimeout(WithCriticality(ctx, Sheddable), s.cfg.OptionalBudget)
	defer stop()
	recommendations := s.start(optional, true, s.recommendations, PartRecommendations, userID)
	activity := s.start(optional, true, s.activity, PartActivity, userID)

	profile, err := ask(ctx, s.profiles, PartProfile, userID)
	if err != nil {
		cancel(err) // nobody will read the optional parts now
		return Page{}, err
	}
	if s.cfg.Switch != nil && !s.cfg.Switch.Enabled() {
		recommendations, activity = nil, nil // switched off: do not show them
	}
	page := Page{Profile: profile}
	page.Recommendations = s.settle(optional, &page, PartRecommendations, userID, recommendations)
	page.Activity = s.settle(optional, &page, PartActivity, userID, activity)
	return page, nil
}
