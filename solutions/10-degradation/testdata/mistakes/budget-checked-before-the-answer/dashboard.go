// Mistake: after the profile, each optional part is judged by the clock first: if its budget is over by then, it is left out, although its answer may have come long before. A slow profile (1s) throws away recommendations that answered in 100ms.
// Caught by: TestASlowOptionalPartIsLeftOutAndThePageGoesOutOnTime, TestAnOptionalPartWhoseBackendIgnoresItsContextDoesNotHoldThePage, TestAnOptionalPartNeverOutlivesTheRequestsDeadline, TestAnAnswerThatCameInTimeIsUsedWhenTheProfileIsSlow

package degradation

// settle waits for an optional part until ctx (its budget) ends.
func (s *Service) settle(ctx context.Context, page *Page, part, userID string, answers <-chan answer) string {
	var a answer
	switch {
	case answers == nil:
		a.err = ErrSwitchedOff
	case ctx.Err() != nil:
		a.err = context.Cause(ctx) // the budget is over: too late for this part
	default:
		select {
		case a = <-answers:
		case <-ctx.Done():
			a.err = context.Cause(ctx)
		}
	}
	if a.err == nil {
		s.remember(part, userID, a)
		return a.value
	}
	value, d := s.fallback(part, userID, a.err)
	page.Degraded = append(page.Degraded, d)
	return value
}
