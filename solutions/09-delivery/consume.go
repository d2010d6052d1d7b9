package delivery

import (
	"context"
	"errors"
	"time"
)

// A Handler does the work of one delivery: the side effect the message
// asks for. It should return soon after ctx is done.
type Handler func(ctx context.Context, d Delivery) error

// ErrPermanent is wrapped by a handler's error when no retry can fix the
// failure (a malformed order, a customer who no longer exists): Consume
// rejects the delivery, and the message goes to the dead letters at once
// instead of using up its deliveries.
var ErrPermanent = errors.New("permanent failure")

// errStopped ends a job whose worker was told to stop and whose grace ran
// out.
var errStopped = errors.New("the worker stopped and its grace ran out")

// Consume is one worker. It receives deliveries from q and handles them
// with h, one at a time, until ctx is done; then it returns ctx.Err().
//
// It acks a delivery only after h returned nil, so a worker that dies
// halfway through loses nothing: its lease runs out and the message comes
// back (at least once). While h runs, Consume renews the lease every third
// of Config.Lease, so a long job is not handed to a second worker; it
// stops renewing the moment h is over, however it ended. h gets at most
// Config.MaxLease: then its context ends, and the renewals with it.
//
// When h fails, Consume nacks with a delay from Config.Backoff, so the
// message is tried again later, by this worker or another; when h's error
// wraps ErrPermanent, it rejects the delivery instead. If a renewal is
// refused, the lease is lost and Consume cancels h's context: another
// worker may be doing the job now.
//
// When ctx ends, Consume receives nothing more, and lets the job in hand
// finish: its context does not end with ctx, and its lease is renewed.
// If it is still running Config.Grace later, Consume cancels it and gives
// the message back at once, for another worker.
func Consume(ctx context.Context, q *Queue, h Handler) error {
	for {
		d, err := q.Receive(ctx)
		if err != nil {
			return err
		}
		q.handle(ctx, d, h)
	}
}

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
		_ = q.Ack(d) // refused: too late (Stats.LateAcks); the message will come again
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

// watch renews d's lease every third of the lease until job is done. When
// a renewal is refused, the lease is lost: it ends the job with that
// error. When stop is done, it ends the job Config.Grace later.
func (q *Queue) watch(stop, job context.Context, d Delivery, end context.CancelCauseFunc) {
	tick := time.NewTicker(max(q.cfg.Lease/3, 1))
	defer tick.Stop()
	stopping := stop.Done()
	var grace *time.Timer
	var graceOver <-chan time.Time
	defer func() {
		if grace != nil {
			grace.Stop()
		}
	}()
	for {
		select {
		case <-job.Done():
			return
		case <-stopping:
			stopping = nil // once is enough
			grace = time.NewTimer(q.cfg.Grace)
			graceOver = grace.C
		case <-graceOver:
			end(errStopped)
			return
		case <-tick.C:
			if err := q.Renew(d); err != nil {
				end(err)
				return
			}
		}
	}
}
