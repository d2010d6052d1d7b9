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
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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
	tokens  Token // the last token handed out
	ready   []*message
	leased  map[MsgID]*message
	dead    []DeadLetter
	stats   Stats
	changed chan struct{} // closed (and replaced) when a message becomes visible at once
}

// message is one message and its current lease.
type message struct {
	id         MsgID
	seq        int
	body       string
	deliveries int
	token      Token     // of the current (or last) lease
	expires    time.Time // when the current lease ends
}

// NewQueue returns an empty queue.
func NewQueue(cfg Config) *Queue {
	if cfg.Lease <= 0 {
		panic("delivery: Config.Lease must be positive")
	}
	return &Queue{cfg: cfg, leased: map[MsgID]*message{}, changed: make(chan struct{})}
}

// Put adds a message to the back of the line and returns its ID.
func (q *Queue) Put(body string) MsgID {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.settle(time.Now())
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
		now := time.Now()
		q.settle(now)
		if len(q.ready) > 0 {
			d := q.lease(now)
			q.mu.Unlock()
			return d, nil
		}
		// Nothing visible: wait for a Put or a Nack, or for the first
		// lease to end, whichever comes first. Never under the lock.
		changed, next := q.changed, q.nextExpiry()
		q.mu.Unlock()
		if err := wait(ctx, changed, next); err != nil {
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

// lease hands the first visible message out under a new lease, with a new
// token; q.mu must be held and q.ready not empty.
func (q *Queue) lease(now time.Time) Delivery {
	m := q.ready[0]
	q.ready = q.ready[1:]
	q.tokens++
	m.token = q.tokens
	m.deliveries++
	m.expires = now.Add(q.cfg.Lease)
	q.leased[m.id] = m
	q.stats.Deliveries++
	return Delivery{ID: m.id, Body: m.body, Attempt: m.deliveries, Token: m.token}
}

// nextExpiry is when the first lease ends, or zero if none is held;
// q.mu must be held.
func (q *Queue) nextExpiry() time.Time {
	var next time.Time
	for _, m := range q.leased {
		if next.IsZero() || m.expires.Before(next) {
			next = m.expires
		}
	}
	return next
}

// Renew starts d's lease again: the message stays hidden for another
// Config.Lease from now. A worker whose job takes longer than a lease
// renews it (a heartbeat). It fails with ErrLeaseLost once the lease has
// ended, even at the very instant it ends.
func (q *Queue) Renew(d Delivery) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	q.settle(now)
	m, err := q.held(d)
	if err != nil {
		return err
	}
	m.expires = now.Add(q.cfg.Lease)
	return nil
}

// Ack says d's work is done: the message is never delivered again. It
// fails with ErrLeaseLost once the lease has ended.
func (q *Queue) Ack(d Delivery) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.settle(time.Now())
	m, err := q.held(d)
	if err != nil {
		return err
	}
	delete(q.leased, m.id)
	q.stats.Acked++
	return nil
}

// Nack says d's work failed with cause: the message is visible again at
// once, without waiting for the lease to end, or, if that was its last
// delivery, goes to the dead letters with cause. It fails with
// ErrLeaseLost once the lease has ended.
func (q *Queue) Nack(d Delivery, cause error) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.settle(time.Now())
	m, err := q.held(d)
	if err != nil {
		return err
	}
	delete(q.leased, m.id)
	q.requeue(m, cause)
	return nil
}

// held returns d's message if d's lease is the current one: the message
// is leased, and to this very delivery (its token), not to a later one.
// q.mu must be held and the queue settled.
func (q *Queue) held(d Delivery) (*message, error) {
	m, ok := q.leased[d.ID]
	if !ok || m.token != d.Token {
		return nil, fmt.Errorf("%w: delivery %d of %s (token %d) no longer holds it",
			ErrLeaseLost, d.Attempt, d.ID, d.Token)
	}
	return m, nil
}

// settle brings the queue up to now: every lease that has ended, at or
// before now, gives its message back. Every method calls it first, so a
// lease ends at exactly its instant, whoever looks. q.mu must be held.
func (q *Queue) settle(now time.Time) {
	var ended []*message
	for _, m := range q.leased {
		if !now.Before(m.expires) {
			ended = append(ended, m)
		}
	}
	// Back in line in the order their leases ended.
	slices.SortFunc(ended, func(a, b *message) int {
		return cmp.Or(a.expires.Compare(b.expires), cmp.Compare(a.seq, b.seq))
	})
	for _, m := range ended {
		delete(q.leased, m.id)
		q.requeue(m, fmt.Errorf("%w: delivery %d of %s was not acked within %v",
			ErrLeaseExpired, m.deliveries, m.id, q.cfg.Lease))
	}
}

// requeue puts a message that just left its lease back in line, or among
// the dead letters after its last delivery. q.mu must be held.
func (q *Queue) requeue(m *message, cause error) {
	if q.cfg.MaxDeliver > 0 && m.deliveries >= q.cfg.MaxDeliver {
		q.dead = append(q.dead,
			DeadLetter{ID: m.id, Body: m.body, Deliveries: m.deliveries, Err: cause})
		return
	}
	q.ready = append(q.ready, m)
	q.wake()
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
	q.mu.Lock()
	defer q.mu.Unlock()
	q.settle(time.Now())
	return slices.Clone(q.dead)
}

// Stats counts the messages by where they are now.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.settle(time.Now())
	s := q.stats
	s.Queued, s.Leased, s.DeadLettered = len(q.ready), len(q.leased), len(q.dead)
	return s
}
