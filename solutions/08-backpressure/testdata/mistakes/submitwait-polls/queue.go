// Mistake: SubmitWait calls Submit in a loop and sleeps between tries, so it never holds a place in line: small jobs that come by at the right moment take every unit of room that frees up, and a big job waits for ever.
// Caught by: TestAWaitingBigJobIsNotStarvedBySmallOnes, TestSubmitWaitThatGivesUpLeavesTheRoomAsItWas

package backpressure

// SubmitWait offers a job and waits for room in the queue, until ctx is
// done; then it gives up at once with an error wrapping ctx.Err().
func (q *Queue) SubmitWait(ctx context.Context, j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	for {
		if q.room.TryAcquire(cost) {
			return q.enqueue(j, cost)
		}
		select {
		case <-ctx.Done():
			q.mu.Lock()
			q.stats.Rejected++
			q.mu.Unlock()
			return "", fmt.Errorf("gave up waiting for room in the queue: %w", ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}
