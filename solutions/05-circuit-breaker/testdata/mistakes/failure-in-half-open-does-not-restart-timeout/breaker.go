// Mistake: the open time is set only when a closed breaker trips, so after a failed trial (or a trial whose caller gave up) the old timeout has long passed and the breaker half-opens again at once, sending more trial calls to a dependency that just failed.
// Caught by: TestAFailedTrialReopensTheBreakerAndRestartsTheTimeout, TestALateSuccessFromBeforeTheTripDoesNotCloseTheBreaker, TestATrialWhoseCallerGivesUpReopensTheBreaker, TestALateResultFromAnAbandonedTrialIsIgnored

package breaker

// setState moves to a new generation in state to, with fresh counts.
func (b *Breaker) setState(to State, now time.Time) {
	from := b.state
	b.state = to
	b.generation++
	b.failures, b.trials = 0, 0
	if from == Closed && to == Open {
		b.openedAt = now
	}
	if b.settings.OnStateChange != nil {
		b.settings.OnStateChange(from, to)
	}
}
