// Mistake: when SubmitWait gives up, it releases the job's cost "to give the room back", but a failed Acquire took nothing: the semaphore panics ("released more than held"), or, when it does not, it hands out room that other jobs hold.
// Caught by: TestSubmitWaitThatGivesUpLeavesTheRoomAsItWas (crash)

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
	wait, stop := q.roomWait(ctx)
	defer stop()
	if err := q.room.Acquire(wait, cost); err != nil {
		q.room.Release(cost) // give the room back
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
