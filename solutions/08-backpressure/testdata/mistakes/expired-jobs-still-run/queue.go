// Mistake: the worker runs every job it takes off the queue, including those whose client stopped waiting long ago: the work is wasted, and the jobs behind them wait longer for it.
// Caught by: TestAJobWhoseDeadlinePassedInTheQueueIsNotRun, TestEveryAcceptedJobEndsDoneFailedOrExpired, TestEveryFinishedJobIsForgottenWhenItsRetentionEnds

package backpressure

// take moves a job out of the queue, and reports whether it should run:
// not if nobody waits for it any more, because Shutdown gave up on it or
// because its deadline has come.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	q.stats.Waited += waited
	q.stats.MaxWait = max(q.stats.MaxWait, waited)
	switch {
	case r.status.State != Accepted:
		// Shutdown gave up on it while it was queued: it stays Unfinished.
	default:
		r.status.State = Running
		run = true // the worker will find out soon enough
	}
	q.mu.Unlock()
	// Give the room back only after Depth is lowered, so that the job it
	// lets in can never make Depth exceed QueueSize.
	q.room.Release(r.cost)
	return run
}
