// Mistake: the job's context, which stops the heartbeat, is ended on the line after the handler and not in a defer, so a worker whose handler never returns to that line (a panic its loop recovers, a Goexit) leaves its heartbeat renewing for a worker that is gone: the message is not redelivered until MaxLease, and its job sits undone.
// Caught by: TestAWorkerThatDiesStopsRenewing, TestAWorkerThatDiesBeforeTheEffectLosesNothing, TestACrashAfterTheEffectMakesItHappenTwice, TestACrashAtEachPointChargesAsOftenAsTheTableSays

package delivery

// handle runs h for one delivery, with a heartbeat, then acks, nacks or
// rejects.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	// The job's own context: the worker's stop does not end it (the job
	// in hand may finish), MaxLease, a lost lease and the end of the
	// grace do.
	job, end := context.WithCancelCause(context.WithoutCancel(ctx))
	job, cancel := context.WithTimeout(job, q.cfg.MaxLease)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		q.watch(ctx, job, d, end)
	}()

	err := h(job, d)
	stopped := errors.Is(context.Cause(job), errStopped)
	end(nil) // the handler is over: stop renewing
	cancel()
	<-watched
	switch {
	case err == nil:
		_ = q.Ack(d) // refused: too late, counted in Stats.LateAcks; the message will come again
	case errors.Is(err, ErrPermanent):
		_ = q.Reject(d, err)
	case stopped:
		_ = q.Nack(d, err, 0) // not a failure: back at once, for a worker that is not stopping
	default:
		_ = q.Nack(d, err, q.cfg.Backoff.Delay(d.Attempt))
	}
	// A refused Nack or Reject (ErrLeaseLost) needs nothing more: the
	// lease ran out, and the queue took the message back itself.
}
