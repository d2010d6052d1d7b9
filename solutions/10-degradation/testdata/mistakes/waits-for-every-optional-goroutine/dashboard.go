// Mistake: the optional parts have their budget, but Handle waits for their goroutines to end (a WaitGroup, as errgroup's Wait does) before it builds the page, so a backend that ignores its context holds the page for its whole latency: cancelling frees nobody who does not listen.
// Caught by: TestAnOptionalPartWhoseBackendIgnoresItsContextDoesNotHoldThePage

package degradation

// Handle builds userID's page.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	optional, stop := context.WithTimeout(WithCriticality(ctx, Sheddable), s.cfg.OptionalBudget)
	defer stop()
	recommendations := answer{err: ErrSwitchedOff}
	activity := answer{err: ErrSwitchedOff}
	var wg sync.WaitGroup
	if s.cfg.Switch == nil || s.cfg.Switch.Enabled() {
		wg.Go(func() {
			v, err := ask(optional, s.recommendations, PartRecommendations, userID)
			recommendations = answer{value: v, err: err, at: time.Now()}
		})
		wg.Go(func() {
			v, err := ask(optional, s.activity, PartActivity, userID)
			activity = answer{value: v, err: err, at: time.Now()}
		})
	}

	profile, err := ask(ctx, s.profiles, PartProfile, userID)
	if err != nil {
		cancel(err)
		wg.Wait()
		return Page{}, err
	}
	wg.Wait() // each part ends by its budget: its context says so
	page := Page{Profile: profile}
	page.Recommendations = s.use(&page, PartRecommendations, userID, recommendations)
	page.Activity = s.use(&page, PartActivity, userID, activity)
	return page, nil
}

// use returns what the page shows for a part that came back with a.
func (s *Service) use(page *Page, part, userID string, a answer) string {
	if a.err == nil {
		s.remember(part, userID, a)
		return a.value
	}
	value, d := s.fallback(part, userID, a.err)
	page.Degraded = append(page.Degraded, d)
	return value
}
