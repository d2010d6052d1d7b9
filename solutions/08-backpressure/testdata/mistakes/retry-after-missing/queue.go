// Mistake: Submit returns the bare ErrQueueFull sentinel, so errors.Is works but the client learns nothing about when to come back and can only retry at once, into the same full queue.
// Caught by: TestQueueFullErrorSaysHowLongTheQueuedWorkTakesToDrain, TestABigJobTakesAsMuchRoomAsItCosts

package backpressure

// turnAway counts a rejection and says when to come back.
func (q *Queue) turnAway(cost int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	q.stats.Rejected++
	return ErrQueueFull
}
