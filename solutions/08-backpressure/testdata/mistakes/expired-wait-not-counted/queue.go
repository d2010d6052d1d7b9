// Mistake: take adds a job's time in the queue to Stats.Waited and MaxWait only when the job runs: the wait of jobs that expired (or were skipped after the give-up) is left out while Depth counted them, so Little's law fails as soon as one job expires.
// Caught by: TestTheWaitOfAJobThatExpiredCountsInStats

package backpressure

// take moves a job out of the queue, and reports whether it should run:
// not if nobody waits for it any more, because Shutdown has given up or
// because its deadline has come.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	switch {
	case q.gaveUp:
		// Shutdown has given up: nothing starts any more. Shutdown marks
		// the job Unfinished (it may have done so already).
	case !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline):
		late := fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)
		q.end(r, Status{State: Expired, Err: late})
	default:
		r.status.State = Running
		run = true
		q.stats.Waited += waited
		q.stats.MaxWait = max(q.stats.MaxWait, waited)
	}
	q.mu.Unlock()
	// Give the room back only after Depth is lowered, so that the job it
	// lets in can never make Depth exceed QueueSize.
	q.room.Release(r.cost)
	return run
}
