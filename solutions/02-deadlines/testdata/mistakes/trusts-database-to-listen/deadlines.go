// Mistake: the query is called directly, trusting the database to return when ctx is done; a driver that ignores its context then holds the caller for as long as it likes.
// Caught by: TestCallerIsNotHeldByADatabaseThatIgnoresItsContext, TestQueryTimeoutFreesTheCallerFromAHangingDatabase

// Package deadlines builds a user's page from a database that may be slow,
// deaf to cancellation, or silent, and never lets the caller wait longer than
// the caller said it would: the caller's deadline travels down with every
// query, and a query that outlives it is abandoned without leaking.
package deadlines

import (
	"context"
	"fmt"
	"time"
)

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
// wraps ctx.Err(): context.DeadlineExceeded or context.Canceled.
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

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// Derived from the caller's ctx: the query gets min(what is left of the
	// caller's budget, queryTimeout). A child can shorten a deadline, never
	// extend it.
	ctx, cancel := context.WithTimeout(ctx, s.queryTimeout)
	defer cancel() // tells a listening database to stop as soon as we leave

	// The database gets ctx; surely it will stop when ctx is done.
	return s.db.Query(ctx, q)
}
