// Package delivery keeps a promise that a channel cannot: a message handed
// to a worker is not lost when the worker dies. A worker does not take a
// message out of the queue; it leases it. Until the lease ends, nobody else
// sees the message; the worker acks it when its work is done, renews the
// lease while the work goes on, and if it dies, the lease runs out and the
// message comes back for another worker. That is at-least-once delivery:
// nothing is lost, and some things happen twice. The rest of the package
// makes twice harmless: a store of idempotency keys so an effect happens
// once, fencing tokens so a worker that was only slow cannot undo the work
// of the one that took over, dead letters for the message that fails every
// time, and coalesced reads so a thousand duplicates make one call.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// MsgID names a message in the queue.
type MsgID string

// A Token is a fencing token: every lease (and every reservation of a
// Store) gets a larger one than any handed out before it, so whoever
// checks it can tell the newest holder from a stale one.
type Token uint64

// A Delivery is one message handed to one worker, under one lease.
type Delivery struct {
	ID      MsgID
	Body    string
	Attempt int   // 1 on the first delivery; 2 on the first redelivery, …
	Token   Token // this lease's fencing token
}

// Config sets how a Queue delivers.
type Config struct {
	// Lease is how long a delivery hides its message from other workers
	// (SQS calls it the visibility timeout, NATS JetStream AckWait). Renew
	// starts it again; when it runs out, the message is visible again, at
	// that very instant. It must be positive.
	Lease time.Duration
	// MaxDeliver is how many deliveries a message gets. When the last one
	// fails (Nack) or its lease runs out, the message goes to the dead
	// letters instead of back in line. 0 means no limit.
	MaxDeliver int
}

var (
	// ErrLeaseLost is wrapped by the error of Ack, Renew or Nack with a
	// delivery whose lease has ended: the message is back in line, or
	// another worker holds it now, or it is done. The worker holds
	// nothing any more and must not act as if it did. A Store's Once
	// wraps it too, for an owner whose reservation was taken over.
	ErrLeaseLost = errors.New("lease lost")
	// ErrLeaseExpired is wrapped by the error a message carries when a
	// lease on it ran out before its worker acked it.
	ErrLeaseExpired = errors.New("lease expired without an ack")
)

// A DeadLetter is a message that used up its deliveries.
type DeadLetter struct {
	ID         MsgID
	Body       string
	Deliveries int
	Err        error // why the last delivery failed: Nack's cause, or ErrLeaseExpired
}

// Stats counts the messages by where they are. Every message Put is in
// exactly one place, at every instant:
// Accepted = Queued + Leased + Acked + DeadLettered.
type Stats struct {
	Accepted     int // messages Put
	Queued       int // visible, waiting for a worker
	Leased       int // delivered, and the lease has not ended
	Acked        int // done
	DeadLettered int // gave up on after MaxDeliver deliveries
	Deliveries   int // deliveries handed out, redeliveries included
}

// A Queue delivers each message to one worker at a time, under a lease,
// until a worker acks it. It is safe for concurrent use.
type Queue struct {
	cfg Config

	mu      sync.Mutex // guards what follows; never held while anyone waits
	seq     int
	ready   []*message // visible, in line
	stats   Stats
	changed chan struct{} // closed (and replaced) when a message becomes visible at once

	// TODO(1): the messages out on a lease, by ID, so that Ack and Renew
	// can find them and a lease that ends can give its message back.
	// TODO(4): the last fencing token handed out.
	// TODO(5): the dead letters.
}

// message is one message and its current lease.
type message struct {
	id   MsgID
	seq  int
	body string
	// TODO(1): when the current lease ends.
	// TODO(4): the current lease's token.
	// TODO(5): how many times the message was delivered.
}

// NewQueue returns an empty queue.
func NewQueue(cfg Config) *Queue {
	if cfg.Lease <= 0 {
		panic("delivery: Config.Lease must be positive")
	}
	return &Queue{cfg: cfg, changed: make(chan struct{})}
}

// Put adds a message to the back of the line and returns its ID.
func (q *Queue) Put(body string) MsgID {
	q.mu.Lock()
	defer q.mu.Unlock()
	// TODO(1): bring the queue up to now first (see settle), so that a
	// message whose lease has ended is back in line before this one.
	q.seq++
	m := &message{id: MsgID(fmt.Sprintf("msg-%d", q.seq)), seq: q.seq, body: body}
	q.ready = append(q.ready, m)
	q.stats.Accepted++
	q.wake()
	return m.id
}

// Receive waits until a message is visible, then leases it to the caller
// for Config.Lease and returns the delivery. A message is visible when it
// is new, when it was nacked, or from the instant its last lease ended. It
// returns ctx.Err() once ctx is done, having taken nothing.
func (q *Queue) Receive(ctx context.Context) (Delivery, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Delivery{}, err
		}
		q.mu.Lock()
		// TODO(1): bring the queue up to now first: every lease that has
		// ended gives its message back.
		if len(q.ready) > 0 {
			// TODO(1): this hands the message over for good, as a channel
			// does: the queue forgets it at once (it counts it acked). If
			// the worker dies now, the message is lost. Lease it instead:
			// keep it, hidden, until Config.Lease from now, and count the
			// delivery (Attempt 1, 2, …).
			// TODO(4): give the lease a token larger than any before it.
			m := q.ready[0]
			q.ready = q.ready[1:]
			q.stats.Deliveries++
			q.stats.Acked++
			q.mu.Unlock()
			return Delivery{ID: m.id, Body: m.body, Attempt: 1}, nil
		}
		// Nothing visible: wait for a Put or a Nack. Never under the lock.
		changed := q.changed
		// TODO(1): also wake up at the instant the first lease ends: the
		// message comes back then, and nobody Puts anything to say so.
		q.mu.Unlock()
		if err := wait(ctx, changed, time.Time{}); err != nil {
			return Delivery{}, err
		}
	}
}

// wait waits until changed is closed, the instant until comes (never, if
// it is zero), or ctx is done; only the last is an error.
func wait(ctx context.Context, changed <-chan struct{}, until time.Time) error {
	var at <-chan time.Time
	if !until.IsZero() {
		timer := time.NewTimer(time.Until(until))
		defer timer.Stop()
		at = timer.C
	}
	select {
	case <-changed:
		return nil
	case <-at:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Renew starts d's lease again: the message stays hidden for another
// Config.Lease from now. A worker whose job takes longer than a lease
// renews it (a heartbeat). It fails with ErrLeaseLost once the lease has
// ended, even at the very instant it ends.
func (q *Queue) Renew(d Delivery) error {
	// TODO(1): find d's message among the leased ones (after bringing the
	// queue up to now) and move the end of its lease to now +
	// Config.Lease. If it is not leased any more, return an error
	// wrapping ErrLeaseLost. A lease covers [start, end): at its end, it
	// is over.
	// TODO(4): and leased to d, not to a later delivery: compare tokens.
	return nil
}

// Ack says d's work is done: the message is never delivered again. It
// fails with ErrLeaseLost once the lease has ended.
func (q *Queue) Ack(d Delivery) error {
	// TODO(1): forget d's message for good and count it acked; an error
	// wrapping ErrLeaseLost if its lease has ended.
	// TODO(4): only if the lease is d's own: compare tokens.
	return nil
}

// Nack says d's work failed with cause: the message is visible again at
// once, without waiting for the lease to end, or, if that was its last
// delivery, goes to the dead letters with cause. It fails with
// ErrLeaseLost once the lease has ended.
func (q *Queue) Nack(d Delivery, cause error) error {
	// TODO(2): end d's lease now and put the message back in line (and
	// wake the waiting workers); an error wrapping ErrLeaseLost if the
	// lease has ended.
	// TODO(4): only if the lease is d's own: compare tokens.
	// TODO(5): after its last delivery (Config.MaxDeliver), the message
	// goes to the dead letters, with cause, instead of back in line.
	return nil
}

// wake tells every waiting Receive that a message is visible. q.mu must
// be held.
func (q *Queue) wake() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// DeadLetters returns the messages that used up their deliveries, in the
// order they got there.
func (q *Queue) DeadLetters() []DeadLetter {
	// TODO(5): a copy of the dead letters, taken under the lock after
	// bringing the queue up to now.
	return nil
}

// Stats counts the messages by where they are now.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	// TODO(1): bring the queue up to now first, and count the leased
	// messages. A lease that ended at this very instant has given its
	// message back already.
	// TODO(5): count the dead letters. (A lease that ran out on a
	// message's last delivery sends it there.)
	s := q.stats
	s.Queued = len(q.ready)
	return s
}
