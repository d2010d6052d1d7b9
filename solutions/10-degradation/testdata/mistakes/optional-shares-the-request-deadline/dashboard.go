// Mistake: the optional parts get no budget of their own, only the request's deadline, so a late recommendation holds the page for as long as the client is willing to wait, and a deaf one for as long as it likes.
// Caught by: TestASlowOptionalPartIsLeftOutAndThePageGoesOutOnTime, TestAnOptionalPartWhoseBackendIgnoresItsContextDoesNotHoldThePage, TestAFallbackNeverAsksTheStrugglingBackendAgain

package degradation

// Handle builds userID's page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil) // nothing Handle started outlives it

	// The optional parts are less critical than the request; like every
	// part, they have until the request's deadline.
	optional := WithCriticality(ctx, Sheddable)
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
