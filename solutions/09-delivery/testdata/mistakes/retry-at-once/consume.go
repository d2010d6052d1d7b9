// Mistake: Consume nacks a failed delivery with no delay, so the message is visible again at once and tried again at once: lesson 04's retry storm moved into the queue, where an outage runs every message in the backlog through its deliveries in seconds and into the dead letters.
// Caught by: TestAFailedJobComesBackAfterABackoff, TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries

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

	err := h(job, d)
	stopped := errors.Is(context.Cause(job), errStopped)
	end(nil)
	<-watched // no renewal after the ack: the heartbeat is over
	switch {
	case err == nil:
		_ = q.Ack(d) // refused: too late, counted in Stats.LateAcks; the message will come again
	case errors.Is(err, ErrPermanent):
		_ = q.Reject(d, err)
	case stopped:
		_ = q.Nack(d, err, 0) // not a failure: back at once, for a worker that is not stopping
	default:
		_ = q.Nack(d, err, 0) // try again, now
	}
	// A refused Nack or Reject (ErrLeaseLost) needs nothing more: the
	// lease ran out, and the queue took the message back itself.
}
