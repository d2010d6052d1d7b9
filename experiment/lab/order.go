// Package lab is the workshop's last experiment: one order service built
// three ways, the load that measures them, and the table it prints.
//
// The designs answer the workshop's question in three different places:
//
//   - the synchronous chain (NewSync) makes the client wait for the work:
//     its queue is the line of callers waiting for a worker;
//   - async with an unbounded queue (NewUnbounded) answers at once and moves
//     the waiting into a queue nobody bounds;
//   - async bounded (NewBounded) answers at once, refuses what it cannot
//     finish in time (sheddable orders first), and drops work nobody waits
//     for any more.
//
// All three are Services: the harness (Measure) talks to any Service, in the
// same process (virtual time, under testing/synctest, or real time) or over
// HTTP through Remote, so a real service with the same contract can be
// measured the same way.
package lab

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Class says how much an order matters when there is not room for
// everyone: the bounded design refuses sheddable orders first (the SRE
// book's criticality, in two classes).
type Class int8

const (
	// Critical orders are the ones a person waits for. The zero value.
	Critical Class = iota
	// Sheddable orders may be refused to make room for critical ones.
	Sheddable
)

// String returns "critical" or "sheddable".
func (c Class) String() string {
	if c == Sheddable {
		return "sheddable"
	}
	return "critical"
}

// An Order is one attempt at placing an order.
type Order struct {
	// ID names this attempt. A client that tries again sends a new ID, as a
	// client without an idempotency key does: the service cannot tell a
	// retry from a new order.
	ID int64
	// Seq is the number of the order the attempt belongs to, for the
	// harness: the service passes it through untouched.
	Seq int
	// Class is the order's criticality.
	Class Class
	// Work is how long fulfilling the order keeps a worker busy. The load
	// draws it, so every design is given exactly the same work.
	Work time.Duration
}

// A Receipt is the service's answer to a placed order.
type Receipt struct {
	// Done is true when the answer is the result (the synchronous chain:
	// 200 OK); false when the order was accepted and its result comes later
	// (202 Accepted), to be waited for with Wait.
	Done bool
}

// Service is the order service, however it is built. The context of each
// call carries the caller's deadline: how long it is willing to wait.
type Service interface {
	// Place answers the POST of an order: a receipt, ErrRefused when the
	// service has no room (503 with Retry-After), or the context's error
	// when the caller's deadline passed first.
	Place(ctx context.Context, o Order) (Receipt, error)
	// Wait waits for the result of an accepted order until ctx ends: nil
	// when the order was fulfilled, ErrDropped when the service dropped
	// it, ErrUnknown for an ID it does not know (404), or ctx's error.
	Wait(ctx context.Context, id int64) error
}

// Looker is implemented by the services that can say what they hold right
// now. The harness samples it; a service measured from outside need not
// implement it.
type Looker interface {
	Look() Look
}

// Look is what a service holds at one instant.
type Look struct {
	// Depth is the number of orders waiting in line, before any worker
	// started them: the async queue, or the callers of the synchronous
	// chain waiting for a worker.
	Depth int
	// Oldest is when the order at the head of the line started waiting;
	// zero when the line is empty.
	Oldest time.Time
	// InFlight is the number of orders held and not finished: waiting in
	// line or being worked on. Little's law: on average it is the arrival
	// rate times the time each spends inside.
	InFlight int
	// Goroutines is the number of goroutines the service keeps of its own
	// (its workers); the callers' goroutines are not counted.
	Goroutines int
}

// Errors a Service returns.
var (
	// ErrRefused: the service had no room for the order (503 Service
	// Unavailable with Retry-After). Safe to try again later.
	ErrRefused = errors.New("refused: the service is overloaded")
	// ErrDropped: the order was accepted, then dropped because its caller's
	// deadline passed before a worker reached it: work nobody waited for.
	ErrDropped = errors.New("dropped: nobody waited for it any more")
	// ErrUnknown: no order with that ID (or its result has expired).
	ErrUnknown = errors.New("unknown order")
)

// work does an order's work: it keeps the worker busy for o.Work, or until
// ctx ends. It stands in for the call to the warehouse the order needs.
func work(ctx context.Context, o Order) error {
	if o.Work <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(o.Work)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("order %d abandoned after its caller left: %w", o.ID, context.Cause(ctx))
	}
}
