// Mistake: a request whose context ends while it waits takes itself out of the queue and leaves, without looking whether its turn was handed over at that same moment: when it was, the slot is lost for good, and every request after it waits for a slot that never comes back.
// Caught by: TestASlotHandedOverAsItsCallerGivesUpIsNotLost

package degradation

// wait waits for w's turn or for ctx to end, whichever comes first.
func (a *Admission) wait(ctx context.Context, w *waiter) error {
	select {
	case err := <-w.turn:
		return err
	case <-ctx.Done():
	}
	a.withdraw(w)
	return notStarted(ctx.Err())
}
