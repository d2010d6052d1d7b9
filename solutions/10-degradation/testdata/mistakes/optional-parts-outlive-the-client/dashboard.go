// Mistake: the optional parts' context is made from context.WithoutCancel(ctx), to keep the request's values but give the parts a life of their own: a client who leaves, or a failed profile, no longer stops them, and the page waits out their budget for nobody.
// Caught by: TestAFailedProfileFailsThePageAtOnceAndStopsTheOptionalParts, TestAClientWhoLeavesStopsTheOptionalPartsAtOnce

package degradation

// Handle builds userID's page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil) // nothing Handle started outlives it

	// The optional parts: less critical than the request, and with a
	// deadline of their own, inside the request's, Margin before it.
	end := time.Now().Add(s.cfg.OptionalBudget)
	if deadline, ok := ctx.Deadline(); ok && deadline.Add(-s.cfg.Margin).Before(end) {
		end = deadline.Add(-s.cfg.Margin)
	}
	// Their own budget: WithoutCancel keeps the request's values (trace IDs
	// and such) without tying the parts to the profile's fate.
	optional, stop := context.WithDeadline(Lower(context.WithoutCancel(ctx), Sheddable), end)
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
