// Mistake: SubmitWait waits for room with context.Background() instead of the caller's ctx, so a client whose deadline has passed is still held until room appears, and its job is queued for nobody.
// Caught by: TestSubmitWaitGivesUpExactlyWhenItsContextEnds, TestSubmitWaitThatGivesUpLeavesTheRoomAsItWas

package backpressure

// SubmitWait offers a job and waits for room in the queue, in line with
// other waiters, until ctx is done; then it gives up at once with an error
// wrapping ctx.Err(), and the job is not queued. If Shutdown begins while
// it waits, it returns ErrClosed at once.
func (q *Queue) SubmitWait(ctx context.Context, j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	wait, stop := q.roomWait(context.Background())
	defer stop()
	if err := q.room.Acquire(wait, cost); err != nil {
		if errors.Is(context.Cause(wait), ErrClosed) {
			return "", ErrClosed
		}
		q.mu.Lock()
		q.stats.Rejected++
		q.mu.Unlock()
		return "", fmt.Errorf("gave up waiting for room in the queue: %w", err)
	}
	return q.enqueue(j, cost)
}
