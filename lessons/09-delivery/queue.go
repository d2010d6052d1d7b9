// Package delivery keeps a promise that a channel cannot: a message handed
// to a worker is not lost when the worker dies. A worker does not take a
// message out of the queue; it leases it. While the lease lasts, the queue
// hands the message to nobody else; the worker acks it when its work is
// done, renews the lease while the work goes on, and if it dies, the lease
// runs out and the message comes back for another worker. That is
// at-least-once delivery: nothing is lost, and some things happen twice.
// The rest of the package makes twice harmless: a store of idempotency keys
// so an effect happens once, fencing tokens so a worker that was only slow
// cannot undo the work of the one that took over, retries spaced by a
// backoff, dead letters for the message that fails every time, and
// coalesced reads so a thousand duplicates make one call.
package delivery

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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

// Config sets how a Queue delivers, and how Consume works it.
type Config struct {
	// Lease is how long a delivery hides its message from other workers
	// (SQS calls it the visibility timeout, NATS JetStream AckWait). Renew
	// starts it again; when it runs out, the message is visible again, at
	// that very instant. It must be positive.
	Lease time.Duration
	// MaxLease is the longest one delivery may keep its message, renewals
	// included, from the instant it was received (SQS: 12 hours). Renew
	// never moves a lease's end past it, and Consume gives its handler no
	// longer: a heartbeat shows that a worker is alive, not that its job
	// is moving. It must be at least Lease.
	MaxLease time.Duration
	// MaxDeliver is how many deliveries a message gets. When the last one
	// fails (Nack) or its lease runs out, the message goes to the dead
	// letters instead of back in line. It must be positive: a message
	// that fails every time has to stop somewhere.
	MaxDeliver int
	// Backoff is how long Consume has a failed message wait before it is
	// visible again.
	Backoff Backoff
	// Grace is how long a worker told to stop (Consume's ctx ended) lets
	// the job in hand go on, renewing its lease, before it cancels the job
	// and gives the message back. Zero cancels it at once.
	Grace time.Duration
}

// Backoff spaces out the retries of a message that failed: after its
// delivery n failed (n = 1 for the first), it waits a random time in
// [0, min(Cap, Base·2^(n-1))) before it is visible again: exponential
// backoff with full jitter, as in lesson 04. The zero Backoff retries at
// once, which is lesson 04's retry storm moved into the queue: during an
// outage, every message runs through its deliveries in no time and the
// whole backlog ends among the dead letters.
type Backoff struct {
	Base, Cap time.Duration
	// Rand returns a number in [0, 1) that picks where in the range each
	// wait falls. Nil means math/rand/v2's Float64. Tests set it to make
	// the waits exact.
	Rand func() float64
}

// Delay is how long a message waits after its delivery attempt failed.
func (b Backoff) Delay(attempt int) time.Duration {
	// Double step by step and stop at the cap: Base<<n overflows for large
	// n and turns a long wait into none.
	ceiling := b.Base
	for i := 1; i < attempt && ceiling < b.Cap; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, b.Cap)
	random := b.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}

var (
	// ErrLeaseLost is wrapped by the error of Ack, Renew, Nack or Reject
	// with a delivery whose lease has ended: the message is back in line,
	// or another worker holds it now, or it is done. The worker holds
	// nothing any more and must not act as if it did. A Store's Once
	// wraps it too, for an owner whose reservation was taken over.
	ErrLeaseLost = errors.New("lease lost")
	// ErrLeaseExpired is wrapped by the error a message keeps when a lease
	// on it ran out before its worker acked it.
	ErrLeaseExpired = errors.New("lease expired without an ack")
)

// A DeadLetter is a message that used up its deliveries, or that a worker
// rejected.
type DeadLetter struct {
	ID         MsgID
	Body       string
	Deliveries int
	// Errs says how each failed delivery ended, first to last: Nack's or
	// Reject's cause, or an error wrapping ErrLeaseExpired. The last one
	// alone may hide the cause: a message declined twice whose third
	// worker died ends with an expired lease.
	Errs []error
}

// Stats counts the messages by where they are. Every message Put is in
// exactly one place, at every instant:
// Accepted = Queued + Delayed + Leased + Acked + DeadLettered.
type Stats struct {
	Accepted     int // messages Put
	Queued       int // visible, waiting for a worker
	Delayed      int // nacked, waiting out a delay before they are visible again
	Leased       int // delivered, and the lease has not ended
	Acked        int // done
	DeadLettered int // rejected, or gave up on after MaxDeliver deliveries
	Deliveries   int // deliveries handed out, redeliveries included
	// LateAcks counts the acks refused because the lease had ended: work
	// that was done and will be done again. Anything but zero says that the
	// lease, the heartbeat or MaxLease is too short for the work.
	LateAcks int
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
	// TODO(2): the messages nacked with a delay, each visible again from
	// its own instant.
	// TODO(4): the last fencing token handed out.
	// TODO(5): the dead letters.
}

// message is one message and its current lease.
type message struct {
	id   MsgID
	seq  int
	body string
	// TODO(1): when the current lease began, and when it ends.
	// TODO(2): while delayed, when it is visible again.
	// TODO(4): the current lease's token.
	// TODO(5): how many times the message was delivered, and how each
	// failed delivery ended.
}

// NewQueue returns an empty queue.
func NewQueue(cfg Config) *Queue {
	switch {
	case cfg.Lease <= 0:
		panic("delivery: Config.Lease must be positive")
	case cfg.MaxLease < cfg.Lease:
		panic("delivery: Config.MaxLease must be at least Config.Lease")
	case cfg.MaxDeliver <= 0:
		panic("delivery: Config.MaxDeliver must be positive")
	}
	return &Queue{cfg: cfg, changed: make(chan struct{})}
}

// Put adds a message to the back of the line and returns its ID.
func (q *Queue) Put(body string) MsgID {
	q.mu.Lock()
	defer q.mu.Unlock()
	// TODO(1): bring the queue up to now first, so that a message whose
	// lease has ended is back in line before this one. Write a method for
	// it (settle(now), say) that gives back every message whose lease has
	// ended by now, and call it first, under the lock, in every method.
	q.seq++
	m := &message{id: MsgID(fmt.Sprintf("msg-%d", q.seq)), seq: q.seq, body: body}
	q.ready = append(q.ready, m)
	q.stats.Accepted++
	q.wake()
	return m.id
}

// Receive waits until a message is visible, then leases it to the caller
// for Config.Lease and returns the delivery. A message is visible when it
// is new, from the instant its last lease ended, and from the end of the
// delay it was nacked with. It returns ctx.Err() once ctx is done, having
// taken nothing.
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
		// TODO(2): and at the instant the first delay ends.
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
// Config.Lease from now, but never past Config.MaxLease from the instant
// d was received. A worker whose job takes longer than a lease renews it
// (a heartbeat). It fails with ErrLeaseLost once the lease has ended, even
// at the very instant it ends.
func (q *Queue) Renew(d Delivery) error {
	// TODO(1): find d's message among the leased ones (after bringing the
	// queue up to now) and move the end of its lease to now +
	// Config.Lease, or to Config.MaxLease after it was received if that
	// comes first. If it is not leased any more, return an error wrapping
	// ErrLeaseLost. A lease covers [start, end): at its end, it is over.
	// TODO(4): and leased to d, not to a later delivery: compare tokens.
	return nil
}

// Ack says d's work is done: the message is never delivered again. It
// fails with ErrLeaseLost once the lease has ended, and counts the refusal
// in Stats.LateAcks.
func (q *Queue) Ack(d Delivery) error {
	// TODO(1): forget d's message for good and count it acked; an error
	// wrapping ErrLeaseLost if its lease has ended (count it in LateAcks).
	// TODO(4): only if the lease is d's own: compare tokens.
	return nil
}

// Nack says d's work failed with cause: the message is visible again after
// delay (at once if delay is not positive), or, if that was its last
// delivery, goes to the dead letters. It fails with ErrLeaseLost once the
// lease has ended.
func (q *Queue) Nack(d Delivery, cause error, delay time.Duration) error {
	// TODO(2): end d's lease now and keep the message out of sight until
	// now + delay; then it is back in line (a waiting Receive wakes at that
	// instant). With no delay, it is back in line at once (wake the
	// waiting workers). An error wrapping ErrLeaseLost if the lease has
	// ended.
	// TODO(4): only if the lease is d's own: compare tokens.
	// TODO(5): after its last delivery (Config.MaxDeliver), the message
	// goes to the dead letters, with cause, instead of back in line.
	return nil
}

// Reject says d's work failed with cause, and that no retry can fix it (a
// malformed order): the message goes to the dead letters at once, whatever
// deliveries it has left (NATS JetStream calls it Term). It fails with
// ErrLeaseLost once the lease has ended.
func (q *Queue) Reject(d Delivery, cause error) error {
	// TODO(5): end d's lease and put the message among the dead letters,
	// with cause; an error wrapping ErrLeaseLost if the lease has ended
	// (TODO(4): or is not d's own).
	return nil
}

// wake tells every waiting Receive that a message is visible. q.mu must
// be held.
func (q *Queue) wake() {
	close(q.changed)
	q.changed = make(chan struct{})
}

// DeadLetters returns the messages that used up their deliveries, or were
// rejected, in the order they got there.
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
	// TODO(2): count the delayed messages.
	// TODO(5): count the dead letters. (A lease that ran out on a
	// message's last delivery sends it there.)
	s := q.stats
	s.Queued = len(q.ready)
	return s
}
