// Mistake: a request whose context ends while it waits returns, but stays in the queue: it keeps a place live requests are refused for, and when its turn comes the slot is handed to nobody and never given back.
// Caught by: TestAQueuedRequestGivesUpAtItsDeadlineWithoutRunning, TestWorkThatCannotFinishInTimeIsNotStarted, TestAGivenUpRequestLeavesItsPlaceToTheNext, TestASlotHandedOverAsItsCallerGivesUpIsNotLost

package degradation

// wait waits for w's turn or for ctx to end, whichever comes first.
func (a *Admission) wait(ctx context.Context, w *waiter) error {
	select {
	case err := <-w.turn:
		return err
	case <-ctx.Done():
		return notStarted(ctx.Err()) // its turn will find nobody there
	}
}
