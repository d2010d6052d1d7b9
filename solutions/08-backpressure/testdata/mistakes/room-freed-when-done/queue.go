// Mistake: a job gives its room back when its work ends instead of when a worker takes it off the queue, so the running jobs take places in the queue: it holds fewer waiting jobs than its size, and turns away clients it has room for.
// Caught by: TestSubmitTurnsAJobAwayAtOnceWhenTheQueueIsFull, TestAtTwiceTheCapacityTheQueueTurnsAwayExactlyTheExcess, TestSubmitWaitWaitsForRoomAndGetsInWhenAJobLeaves

package backpressure

// take moves a job out of the queue, and reports whether it should run.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	q.stats.Waited += waited
	q.stats.MaxWait = max(q.stats.MaxWait, waited)
	switch {
	case q.gaveUp:
	case !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline):
		q.end(r, Status{State: Expired, Err: fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)})
	default:
		r.status.State = Running
		run = true
	}
	q.mu.Unlock()
	if !run {
		q.room.Release(r.cost)
	}
	return run
}

func (q *Queue) run(ctx context.Context, r *record) {
	deadline := time.Now().Add(q.cfg.Timeout)
	if !r.job.Deadline.IsZero() && r.job.Deadline.Before(deadline) {
		deadline = r.job.Deadline
	}
	jobCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	result, err := q.work(jobCtx, r.job.Input)
	q.room.Release(r.cost) // the job is finished with

	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case r.status.State != Running:
	case err == nil:
		q.end(r, Status{State: Done, Result: result})
	case q.gaveUp:
		q.end(r, Status{State: Unfinished})
	default:
		q.end(r, Status{State: Failed, Err: err})
	}
}
