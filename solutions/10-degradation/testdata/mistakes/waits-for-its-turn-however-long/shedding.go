// Mistake: a queued request waits for its turn without watching its context, so a caller whose deadline has passed is held until a slot comes, long after it stopped waiting, and its place in the queue is taken from live requests all that time.
// Caught by: TestAQueuedRequestGivesUpAtItsDeadlineWithoutRunning, TestWorkThatCannotFinishInTimeIsNotStarted, TestAGivenUpRequestLeavesItsPlaceToTheNext

package degradation

// wait waits for w's turn.
func (a *Admission) wait(ctx context.Context, w *waiter) error {
	return <-w.turn // the turn always comes, sooner or later
}
