// Mistake: Consume acks or nacks in a deferred function, "so that it always happens", so a worker that dies inside the handler (a Goexit, or a panic, which runs deferred calls before it kills the process) acks the job it never finished: the message is gone, and the work was not done.
// Caught by: TestAWorkerThatDiesBeforeTheEffectLosesNothing, TestACrashAfterTheEffectMakesItHappenTwice, TestAWorkerThatDiesStopsRenewing, TestACrashAtEachPointChargesAsOftenAsTheTableSays

package delivery

// handle runs h for one delivery, with a heartbeat, then acks, nacks or
// rejects.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	// The job's own context: the worker's stop does not end it (the job
	// in hand may finish), MaxLease, a lost lease and the end of the
	// grace do.
	job, end := context.WithCancelCause(context.WithoutCancel(ctx))
	// Deferred, so that a worker whose goroutine ends inside h (it is
	// gone: no ack, no nack) stops renewing too, and its lease runs out.
	defer end(nil)
	job, cancel := context.WithTimeout(job, q.cfg.MaxLease)
	defer cancel()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		q.watch(ctx, job, d, end)
	}()

	var err error
	defer func() {
		stopped := errors.Is(context.Cause(job), errStopped)
		end(nil)
		<-watched
		q.settleDelivery(d, err, stopped)
	}()
	err = h(job, d)
}

// settleDelivery acks, nacks or rejects d after its handler.
func (q *Queue) settleDelivery(d Delivery, err error, stopped bool) {
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
