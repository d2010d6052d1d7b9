package delivery

import "context"

// A Handler does the work of one delivery: the side effect the message
// asks for. It should return soon after ctx is done.
type Handler func(ctx context.Context, d Delivery) error

// Consume is one worker. It receives deliveries from q and handles them
// with h, one at a time, until ctx is done; then it returns ctx.Err().
//
// It acks a delivery only after h returned nil, so a worker that dies
// halfway through loses nothing: its lease runs out and the message comes
// back (at least once). While h runs, Consume renews the lease every third
// of Config.Lease, so a long job is not handed to a second worker; it
// stops renewing the moment h is over, however it ended. When h fails, or
// ctx ends while h runs, Consume nacks: the message is visible again at
// once, for this worker or another, instead of after the lease. If a
// renewal is refused, the lease is lost and Consume cancels h's context:
// another worker may be doing the job now.
func Consume(ctx context.Context, q *Queue, h Handler) error {
	for {
		d, err := q.Receive(ctx)
		if err != nil {
			return err
		}
		// TODO(2): this acks at once, before the work, and ignores how
		// the work went: a worker that dies in h has lost the message for
		// good (at-most-once). Ack only after h returned nil; when h
		// fails, Nack with its error, so the message comes back at once.
		// While h runs, renew the lease every third of q.cfg.Lease, in a
		// goroutine of its own, and stop renewing as soon as h is over,
		// however it ended (a worker that dies inside h never reaches the
		// line after it: use defer). When a renewal fails, cancel h's ctx.
		_ = q.Ack(d)
		_ = h(ctx, d)
	}
}
