// Mistake: the optional answers are collected in one loop in the order they arrive, and each failure is noted as it comes: when activity fails before recommendations, Page.Degraded lists activity first, and whatever reads it in order (a template, a client) shows the parts swapped.
// Caught by: TestWithoutARecentAnswerTheDefaultIsServedOrThePartIsLeftOut

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
	optional, stop := context.WithDeadline(Lower(ctx, Sheddable), end)
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
	s.collect(optional, &page, userID, recommendations, activity)
	return page, nil
}

// collect takes the optional answers as they come, until both are in or
// the budget ends, and fills the page with each, or with its fallback.
func (s *Service) collect(ctx context.Context, page *Page, userID string, recommendations, activity <-chan answer) {
	set := func(part string, a answer) {
		value := a.value
		if a.err == nil {
			s.remember(part, userID, a)
		} else {
			var d Degradation
			value, d = s.fallback(part, userID, a.err)
			page.Degraded = append(page.Degraded, d)
		}
		if part == PartRecommendations {
			page.Recommendations = value
		} else {
			page.Activity = value
		}
	}
	if recommendations == nil && activity == nil {
		set(PartRecommendations, answer{err: ErrSwitchedOff})
		set(PartActivity, answer{err: ErrSwitchedOff})
		return
	}
	r, a := recommendations, activity
	for r != nil || a != nil {
		select {
		case got := <-r:
			set(PartRecommendations, got)
			r = nil
		case got := <-a:
			set(PartActivity, got)
			a = nil
		case <-ctx.Done():
			if r != nil {
				set(PartRecommendations, s.late(ctx, r))
			}
			if a != nil {
				set(PartActivity, s.late(ctx, a))
			}
			return
		}
	}
}

// late returns an answer that came in time after all, or the budget's end.
func (s *Service) late(ctx context.Context, answers <-chan answer) answer {
	select {
	case a := <-answers:
		return a
	default:
		return answer{err: context.Cause(ctx)}
	}
}
