// Mistake: nothing ever moves an open breaker on (no timer and no check of OpenTimeout when someone looks), so once it trips it fails every call for ever, even after the dependency is back.
// Caught by: TestTheBreakerHalfOpensExactlyAtTheOpenTimeout, TestHalfOpenLetsOnlyHalfOpenMaxTrialCallsThrough, TestASuccessfulTrialClosesTheBreaker, TestAFailedTrialReopensTheBreakerAndRestartsTheTimeout, TestALateSuccessFromBeforeTheTripDoesNotCloseTheBreaker, TestALateFailureFromAnEarlierGenerationIsNotCounted, TestOnStateChangeReportsEveryTransitionOnceInOrder, TestAnErrorTheClassifierExcusesCountsNeitherWay, TestACallerWhoHasAlreadyLeftIsNotLetThrough, TestATrialWhoseCallerGivesUpReopensTheBreaker, TestALateResultFromAnAbandonedTrialIsIgnored, TestATrialThatPanicsGivesItsSlotBack

package breaker

// tick half-opens an open breaker once its timeout has passed. There is no
// timer: whoever looks at the breaker first after the timeout moves it on.
func (b *Breaker) tick(now time.Time) {}
