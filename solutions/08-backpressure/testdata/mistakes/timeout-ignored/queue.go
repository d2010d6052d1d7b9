// Mistake: the worker bounds a job's work by the job's own deadline only, so a job without one (the zero Deadline) runs for as long as its dependency hangs, and holds its worker all that time.
// Caught by: TestAJobWithoutADeadlineIsStillStoppedAtTheTimeout

package backpressure

func (q *Queue) run(ctx context.Context, r *record) {
	if !r.job.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, r.job.Deadline)
		defer cancel()
	}
	result, err := q.work(ctx, r.job.Input)

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
