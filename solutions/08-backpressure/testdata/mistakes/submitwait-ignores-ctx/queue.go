// Mistake: SubmitWait waits for room with context.Background() instead of the caller's ctx, so a client whose deadline has passed is still held until room appears, and its job is queued for nobody.
// Caught by: TestSubmitWaitGivesUpExactlyWhenItsContextEnds, TestSubmitWaitThatGivesUpLeavesTheRoomAsItWas

package backpressure

// SubmitWait offers a job and waits for room in the queue, in line with
// other waiters, until ctx is done; then it gives up at once with an error
// wrapping ctx.Err(), and the job is not queued.
func (q *Queue) SubmitWait(ctx context.Context, j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	if err := q.room.Acquire(context.Background(), cost); err != nil {
		// A failed Acquire leaves the semaphore as it was: there is
		// nothing to give back.
		q.mu.Lock()
		q.stats.Rejected++
		q.mu.Unlock()
		return "", fmt.Errorf("gave up waiting for room in the queue: %w", err)
	}
	return q.enqueue(j, cost)
}
