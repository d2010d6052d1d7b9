// Mistake: an expired job gets its Expired status but is not counted in Stats, so accepted no longer equals done + failed + expired and the dropped work vanishes from every dashboard.
// Caught by: TestEveryAcceptedJobEndsDoneFailedOrExpired, TestAJobWhoseDeadlinePassedInTheQueueIsNotRun

package backpressure

// take moves a job out of the queue, and reports whether it should run:
// a job whose deadline has come has nobody waiting for it any more.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	q.stats.Waited += waited
	q.stats.MaxWait = max(q.stats.MaxWait, waited)
	expired := !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline)
	if expired {
		r.status = Status{State: Expired, Err: fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)}
	} else {
		r.status.State = Running
	}
	q.mu.Unlock()
	// Give the room back only after Depth is lowered, so that the job it
	// lets in can never make Depth exceed QueueSize.
	q.room.Release(r.cost)
	return !expired
}
