// Mistake: SubmitWait waits for room with the caller's ctx alone, so when Shutdown begins a client waiting for room is not told: it waits until a worker frees room (or for ever, if the workers hang) and only then hears ErrClosed.
// Caught by: TestASubmitWaitWaitingForRoomIsRefusedTheMomentShutdownBegins

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
	if err := q.room.Acquire(ctx, cost); err != nil {
		q.mu.Lock()
		q.stats.Rejected++
		q.mu.Unlock()
		return "", fmt.Errorf("gave up waiting for room in the queue: %w", err)
	}
	return q.enqueue(j, cost) // ErrClosed here, if Shutdown began meanwhile
}
