// Mistake: whatever a page shows is remembered as the part's last good answer, a fallback included, stamped with the time it was served: a stale answer is made new again every time it is served, and the staleness bound never ends it.
// Caught by: TestAStaleAnswerKeepsItsAgeWhenServedAgain

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
	value := a.value
	if a.err != nil {
		var d Degradation
		value, d = s.fallback(part, userID, a.err)
		page.Degraded = append(page.Degraded, d)
	}
	if value != "" {
		s.remember(part, userID, answer{value: value, at: time.Now()}) // what the user saw last
	}
	return value
}
