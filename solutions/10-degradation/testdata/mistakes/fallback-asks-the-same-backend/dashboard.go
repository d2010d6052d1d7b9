// Mistake: when a part fails, the fallback asks the same backend again, for the "popular" list that is cheap to compute, with a fresh budget: the dependency that is failing under load gets twice the queries, and the page waits a second budget.
// Caught by: TestASlowOptionalPartIsLeftOutAndThePageGoesOutOnTime, TestAFailingOptionalPartIsLeftOutWithItsReason, TestAnOptionalPartWhoseBackendIgnoresItsContextDoesNotHoldThePage, TestAnOptionalPartNeverOutlivesTheRequestsDeadline, TestAFailedOptionalPartIsServedFromItsLastGoodAnswer, TestAnAnswerOlderThanMaxStaleIsNotServed, TestAStaleAnswerKeepsItsAgeWhenServedAgain, TestWithoutARecentAnswerTheDefaultIsServedOrThePartIsLeftOut, TestAFallbackNeverAsksTheStrugglingBackendAgain, TestConcurrentPagesShareTheLastGoodAnswersSafely

package degradation

// settle waits for an optional part until ctx (its budget) ends.
func (s *Service) settle(ctx context.Context, page *Page, part, userID string, answers <-chan answer) string {
	var a answer
	if answers == nil {
		a.err = ErrSwitchedOff
	} else {
		select {
		case a = <-answers:
		case <-ctx.Done():
			select {
			case a = <-answers:
			default:
				a.err = context.Cause(ctx)
			}
		}
	}
	if a.err == nil {
		s.remember(part, userID, a)
		return a.value
	}
	if answers != nil {
		// Not this user's list, then: the popular one is cheap to compute.
		b := s.recommendations
		if part == PartActivity {
			b = s.activity
		}
		popular, stop := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.OptionalBudget)
		defer stop()
		if value, err := b.Query(popular, part+":popular"); err == nil {
			return value
		}
	}
	value, d := s.fallback(part, userID, a.err)
	page.Degraded = append(page.Degraded, d)
	return value
}
