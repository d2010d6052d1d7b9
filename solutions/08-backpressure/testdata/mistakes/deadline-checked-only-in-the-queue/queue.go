// Mistake: The job's Deadline is checked only when a worker takes the job, and its work runs under the Timeout alone ("the deadline is about the time in the queue"): a job started just before its deadline runs on for nobody, holding a worker, long after its client has left.
// Caught by: TestAJobStartedBeforeItsDeadlineIsStoppedAtIt

package backpressure

// run does a job's work and records how it ended. After Shutdown has
// given up, only a result counts: an error is taken for the cancellation
// (the job did not fail, Shutdown stopped it). And a job Shutdown has
// already reported unfinished stays so: a report, once given, stays true.
func (q *Queue) run(ctx context.Context, r *record) {
	// Two deadlines bound the work: the Timeout from now, and the job's
	// own, whichever comes first; and Shutdown can cancel it through ctx.
	jobCtx, cancel := context.WithTimeout(ctx, q.cfg.Timeout)
	defer cancel()
	result, err := q.work(jobCtx, r.job.Input)

	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case r.status.State != Running:
		// reported unfinished when the grace ran out
	case err == nil:
		q.end(r, Status{State: Done, Result: result})
	case q.gaveUp:
		q.end(r, Status{State: Unfinished})
	default:
		q.end(r, Status{State: Failed, Err: err})
	}
}
