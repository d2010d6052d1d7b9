// Package deadlines builds a user's page from a database that may be slow,
// deaf to cancellation, or silent, and never lets the caller wait longer than
// the caller said it would: the caller's deadline travels down with every
// query, and a query that outlives it is abandoned without leaking.
package deadlines

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrQueryTimeout says that a query ran out of the service's own query
// timeout, not of its caller's deadline. An error that wraps it also wraps
// context.DeadlineExceeded.
var ErrQueryTimeout = errors.New("query timeout")

// Database answers queries; the real one is across a network, so every query
// waits. A well-behaved Database stops waiting when ctx is done, but this
// service must not rely on that: some drivers ignore their context.
type Database interface {
	Query(ctx context.Context, q string) (string, error)
}

// Page is what the service returns: a user and their orders.
type Page struct {
	User, Orders string
}

// Service builds a user's page from two queries, one after the other, because
// the orders query needs the user's answer.
type Service struct {
	db           Database
	queryTimeout time.Duration
}

// NewService returns a service that asks db and lets no query wait longer
// than queryTimeout, nor longer than its caller's deadline, whichever comes
// first. queryTimeout must be positive: NewService panics otherwise.
func NewService(db Database, queryTimeout time.Duration) *Service {
	if queryTimeout <= 0 {
		// Every query would fail at once, as if the database were down: a
		// bad setting, better found when the service starts.
		panic(fmt.Sprintf("deadlines: query timeout %v, want more than 0", queryTimeout))
	}
	return &Service{db: db, queryTimeout: queryTimeout}
}

// Handle queries "user:<userID>", then "orders:<the user answer>", and
// returns both as a Page. It returns no later than ctx's deadline (or its
// cancellation), with an error that names the step it was waiting for and
// wraps ctx.Err(): context.DeadlineExceeded or context.Canceled. When the
// service's own query timeout ran out first, the error wraps
// ErrQueryTimeout too.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	user, err := s.query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	orders, err := s.query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	return Page{User: user, Orders: orders}, nil
}

// result is one answer from the database.
type result struct {
	answer string
	err    error
}

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// No time left: do not send a query nobody will wait for.
	if expired(ctx) {
		return "", stopped(ctx)
	}

	// Derived from the caller's ctx: the query gets min(what is left of the
	// caller's budget, queryTimeout). A child can shorten a deadline, never
	// extend it. The cause tells the two limits apart: if our timeout fires
	// first, context.Cause(ctx) is ErrQueryTimeout; if the caller's deadline
	// does, it is whatever the caller's context says.
	ctx, cancel := context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout)
	// cancel tells the driver to stop waiting. Whether the database stops
	// working is up to the database.
	defer cancel()

	// A stopgap, for a database that may ignore its context: the caller
	// leaves at the deadline, the query runs on in its goroutine (in a real
	// service, on its connection too). Capacity 1: when the database
	// answers, the goroutine hands the answer over and exits, read or not.
	// (An answer that holds a resource, such as rows, would have to be
	// closed by the goroutine when nobody takes it.)
	results := make(chan result, 1)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		// Past the deadline a failure is the context's: a database that
		// keeps the deadline itself fails in its own words ("i/o timeout")
		// at the instant ctx ends, and Go picks at random between two
		// ready cases. Decide from the context, not from the pick.
		if r.err != nil && expired(ctx) {
			return "", stopped(ctx)
		}
		return r.answer, r.err
	case <-ctx.Done():
		// The database may not be listening: stop waiting for it anyway.
		return "", stopped(ctx)
	}
}

// expired reports whether ctx is done or its deadline has come. The two can
// differ for an instant: ctx's own timer may fire a moment after its
// deadline, when another timer (the database's) has already fired. Then
// expired waits for ctx's timer, so that ctx.Err() and context.Cause say
// whose limit it was.
func expired(ctx context.Context) bool {
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		<-ctx.Done() // due now, if not closed already
	}
	return ctx.Err() != nil
}

// stopped is the error for a query whose context is done: ctx.Err(), so
// that errors.Is finds context.DeadlineExceeded or context.Canceled, and
// in front of it the cause when the cause says more, as ErrQueryTimeout
// does: "query timeout: context deadline exceeded". Never the cause alone:
// a caller may cancel with a cause of its own (errgroup's is the first
// error of a sibling), and errors.Is(err, context.Canceled) must still hold.
func stopped(ctx context.Context) error {
	err, cause := ctx.Err(), context.Cause(ctx)
	if errors.Is(cause, err) {
		return cause // no cause was given, or it already says it
	}
	return fmt.Errorf("%w: %w", cause, err)
}
