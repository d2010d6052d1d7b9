// Mistake: Do calls op directly and ignores AttemptTimeout, as the lesson once taught: one attempt that hangs spends the caller's whole deadline, no retry ever happens, and an op that does not listen to its context holds the caller past its deadline.
// Caught by: TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried, TestATimedOutAttemptIsRetriedOnlyWhenTheOperationIsIdempotent, TestAnAttemptThatTimesOutSaysSoNotThatTheCallersDeadlinePassed, TestTheCallersDeadlineEndsAnAttemptThatIgnoresIt, TestAbandonedAttemptsPileUpAtADeafDependencyUntilTheBudgetStopsThem

package retries

// attempt makes one call of op, with no timeout of its own.
func (p Policy) attempt(ctx context.Context, op func(context.Context) error) error {
	return op(ctx)
}
