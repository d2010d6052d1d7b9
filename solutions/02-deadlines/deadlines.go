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
// waits. A well-behaved Database stops when ctx is done, but the service must
// not rely on that.
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
// first. queryTimeout must be positive.
func NewService(db Database, queryTimeout time.Duration) *Service {
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
	// Derived from the caller's ctx: the query gets min(what is left of the
	// caller's budget, queryTimeout). A child can shorten a deadline, never
	// extend it. The cause tells the two limits apart: if our timeout fires
	// first, context.Cause(ctx) is ErrQueryTimeout; if the caller's deadline
	// does, it is whatever the caller's context says.
	ctx, cancel := context.WithTimeoutCause(ctx, s.queryTimeout, ErrQueryTimeout)
	defer cancel() // tells a listening database to stop as soon as we leave

	// Capacity 1: if we leave first, the goroutine can still hand over its
	// result, and exit, whenever the database finally answers.
	results := make(chan result, 1)
	go func() {
		answer, err := s.db.Query(ctx, q)
		results <- result{answer, err}
	}()

	select {
	case r := <-results:
		return r.answer, r.err
	case <-ctx.Done():
		// The database may not be listening: stop waiting for it anyway.
		return "", stopped(ctx)
	}
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
