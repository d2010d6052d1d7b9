// Mistake: a last good answer's time is taken when the page keeps it, not when the backend answered: when the profile is slower than the optional part, the answer is recorded younger than it is, so its Age is too small and it is served past MaxStale.
// Caught by: TestAStaleAnswersAgeCountsFromWhenItCame

package degradation

// start asks b for an optional part in a goroutine of its own.
func (s *Service) start(ctx context.Context, on bool, b Backend, part, userID string) <-chan answer {
	if !on {
		return nil
	}
	answers := make(chan answer, 1)
	go func() {
		value, err := ask(ctx, b, part, userID)
		answers <- answer{value: value, err: err}
	}()
	return answers
}

// settle waits for an optional part until ctx (its budget) ends.
func (s *Service) settle(ctx context.Context, page *Page, part, userID string, answers <-chan answer) string {
	var a answer
	if answers == nil {
		a.err = ErrSwitchedOff
	} else {
		select {
		case a = <-answers:
		case <-ctx.Done():
			// An answer that came in time wins, even when the profile took
			// longer than the budget and both are ready by now.
			select {
			case a = <-answers:
			default:
				a.err = context.Cause(ctx)
			}
		}
	}
	if a.err == nil {
		a.at = time.Now() // when it was kept: the start of its age
		s.remember(part, userID, a)
		return a.value
	}
	value, d := s.fallback(part, userID, a.err)
	page.Degraded = append(page.Degraded, d)
	return value
}
