// Mistake: an expired job gets its Expired status by a plain assignment instead of through end, so it is not counted in Stats (accepted no longer equals done + failed + expired, and the dropped work vanishes from every dashboard) and its retention never starts.
// Caught by: TestEveryAcceptedJobEndsDoneFailedOrExpired, TestAJobWhoseDeadlinePassedInTheQueueIsNotRun, TestEveryFinishedJobIsForgottenWhenItsRetentionEnds

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
	case !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline):
		r.status = Status{State: Expired, Err: fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)}
	default:
		r.status.State = Running
		run = true
	}
	q.mu.Unlock()
	// Give the room back only after Depth is lowered, so that the job it
	// lets in can never make Depth exceed QueueSize.
	q.room.Release(r.cost)
	return run
}
