// Mistake: a job gives its room back when its work ends instead of when a worker takes it off the queue, so the running jobs take places in the queue: it holds fewer waiting jobs than its size, and turns away clients it has room for.
// Caught by: TestSubmitTurnsAJobAwayAtOnceWhenTheQueueIsFull, TestAtTwiceTheCapacityTheQueueTurnsAwayExactlyTheExcess, TestSubmitWaitWaitsForRoomAndGetsInWhenAJobLeaves

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
		q.stats.Expired++
	} else {
		r.status.State = Running
	}
	q.mu.Unlock()
	if expired {
		q.room.Release(r.cost)
	}
	return !expired
}

func (q *Queue) run(r *record) {
	ctx := q.ctx
	if !r.job.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, r.job.Deadline)
		defer cancel()
	}
	result, err := q.work(ctx, r.job.Input)
	q.room.Release(r.cost) // the job is finished with

	q.mu.Lock()
	defer q.mu.Unlock()
	if err != nil {
		r.status = Status{State: Failed, Err: err}
		q.stats.Failed++
		return
	}
	r.status = Status{State: Done, Result: result}
	q.stats.Done++
}
