package delivery

import (
	"context"
	"errors"
)

// A Handler does the work of one delivery: the side effect the message
// asks for. It should return soon after ctx is done.
type Handler func(ctx context.Context, d Delivery) error

// ErrPermanent is wrapped by a handler's error when no retry can fix the
// failure (a malformed order, a customer who no longer exists): Consume
// rejects the delivery, and the message goes to the dead letters at once
// instead of using up its deliveries.
var ErrPermanent = errors.New("permanent failure")

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
		// TODO(2): this acks at once, before the work, and ignores how
		// the work went: a worker that dies in h has lost the message for
		// good (at-most-once). Ack only after h returned nil; when h
		// fails, Nack with its error and q.cfg.Backoff.Delay(d.Attempt).
		// While h runs, renew the lease every third of q.cfg.Lease, in a
		// goroutine of its own, and stop renewing as soon as h is over,
		// however it ended (a worker that dies inside h never reaches the
		// line after it: use defer, for that only; an ack in a defer runs
		// when the worker dies too, and acks the job it never finished).
		// When a renewal fails, cancel h's ctx.
		// Give h a ctx that ends q.cfg.MaxLease from now, and that ctx
		// ending does not end: when ctx ends, let h go on for
		// q.cfg.Grace, then cancel it and Nack with no delay.
		// TODO(5): when h's error wraps ErrPermanent, Reject instead.
		_ = q.Ack(d)
		_ = h(ctx, d)
	}
}
