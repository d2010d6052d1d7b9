// Mistake: a worker that takes a job off the queue runs it unless its deadline has passed, without looking at whether Shutdown has given up: after the give-up the queued jobs still start, with a cancelled context, so work nobody waits for any more is begun (and, for a Work that does not look at its context at once, done) while the process is stopping.
// Caught by: TestAfterShutdownGivesUpNoQueuedJobStarts, TestShutdownGivesCancelledWorkAGraceAndReportsHowItEnded

package backpressure

// take moves a job out of the queue, and reports whether it should run:
// not if its deadline has come.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	q.stats.Waited += waited
	q.stats.MaxWait = max(q.stats.MaxWait, waited)
	switch {
	case !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline):
		q.end(r, Status{State: Expired, Err: fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)})
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
