// Mistake: Submit waits for room the way SubmitWait does, with no deadline, so a client that asked for a fast answer is held for as long as the queue stays full instead of being told "full, retry later" at once.
// Caught by: TestSubmitTurnsAJobAwayAtOnceWhenTheQueueIsFull, TestTheQueueNeverHoldsMoreThanItsCapacity

package backpressure

// Submit offers a job and answers at once: accepted, with the job's ID, or
// turned away with a *QueueFullError (errors.Is ErrQueueFull) that says
// when to retry. It never waits for room.
func (q *Queue) Submit(j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	// TryAcquire also fails while an earlier SubmitWait is waiting for
	// room, even if this job would fit: it does not jump the line.
	if err := q.room.Acquire(context.Background(), cost); err != nil {
		return "", q.turnAway(cost)
	}
	return q.enqueue(j, cost)
}
