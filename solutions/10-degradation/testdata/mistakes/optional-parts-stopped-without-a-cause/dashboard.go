// Mistake: a failed profile stops the optional queries with a plain cancel, so they see context.Canceled and not the profile's error: their backends, and their logs, cannot tell a failed page from a client who left.
// Caught by: TestAFailedProfileFailsThePageAtOnceAndStopsTheOptionalParts

package degradation

// Handle builds userID's page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // nothing Handle started outlives it

	// The optional parts: less critical than the request, and with a
	// deadline of their own, inside the request's, Margin before it.
	end := time.Now().Add(s.cfg.OptionalBudget)
	if deadline, ok := ctx.Deadline(); ok && deadline.Add(-s.cfg.Margin).Before(end) {
		end = deadline.Add(-s.cfg.Margin)
	}
	optional, stop := context.WithDeadline(Lower(ctx, Sheddable), end)
	defer stop()
	on := s.cfg.Switch == nil || s.cfg.Switch.Enabled()
	recommendations := s.start(optional, on, s.recommendations, PartRecommendations, userID)
	activity := s.start(optional, on, s.activity, PartActivity, userID)

	profile, err := ask(ctx, s.profiles, PartProfile, userID)
	if err != nil {
		cancel() // nobody will read the optional parts now
		return Page{}, err
	}
	page := Page{Profile: profile}
	page.Recommendations = s.settle(optional, &page, PartRecommendations, userID, recommendations)
	page.Activity = s.settle(optional, &page, PartActivity, userID, activity)
	return page, nil
}
