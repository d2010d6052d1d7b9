package delivery

import (
	"context"
	"time"
)

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
		q.handle(ctx, d, h)
	}
}

// handle runs h for one delivery, with a heartbeat, then acks or nacks.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	work, stop := context.WithCancel(ctx)
	// Deferred, so that a worker whose goroutine ends inside h (it is
	// gone: no ack, no nack) stops renewing too, and its lease runs out.
	defer stop()
	go q.heartbeat(work, d, stop)

	err := h(work, d)
	stop()
	if err != nil {
		_ = q.Nack(d, err) // ErrLeaseLost: another worker has it now
		return
	}
	_ = q.Ack(d) // ErrLeaseLost: too late, the message will come again
}

// heartbeat renews d's lease every third of the lease until ctx is done.
// When a renewal is refused, the lease is lost: it calls lost and stops.
func (q *Queue) heartbeat(ctx context.Context, d Delivery, lost context.CancelFunc) {
	tick := time.NewTicker(max(q.cfg.Lease/3, 1))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if err := q.Renew(d); err != nil {
				lost()
				return
			}
		}
	}
}
