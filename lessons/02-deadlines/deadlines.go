// Package deadlines builds a user's page from a database that may be slow,
// deaf to cancellation, or silent, and never lets the caller wait longer than
// the caller said it would: the caller's deadline travels down with every
// query, and a query that outlives it is abandoned without leaking.
package deadlines

import (
	"context"
	"errors"
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
	// TODO(1): a query timeout that is not positive makes every query fail
	// at once, as if the database were down. Panic, so that a bad setting
	// shows when the service starts, not in the first request.
	return &Service{db: db, queryTimeout: queryTimeout}
}

// Handle queries "user:<userID>", then "orders:<the user answer>", and
// returns both as a Page. It returns no later than ctx's deadline (or its
// cancellation), with an error that names the step it was waiting for and
// wraps ctx.Err(): context.DeadlineExceeded or context.Canceled. When the
// service's own query timeout ran out first, the error wraps
// ErrQueryTimeout too.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	// TODO(2): when a step fails, say which one: wrap the error as
	// "user <id>: ..." or "orders for user <id>: ...", keeping it
	// reachable with errors.Is (%w, not %v).
	user, err := s.query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, err
	}
	orders, err := s.query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, err
	}
	return Page{User: user, Orders: orders}, nil
}

// query asks the database q and waits for the answer, or for ctx, or for
// the query timeout, whichever comes first.
func (s *Service) query(ctx context.Context, q string) (string, error) {
	// TODO(1): this timeout starts from context.Background(), so the
	// database never hears about the caller's deadline (or cancellation),
	// and a caller with 5s left can be held for the full queryTimeout.
	// Derive it from ctx instead: the query should get min(what is left of
	// the caller's budget, queryTimeout).
	//
	// TODO(2): when the query timeout fires first, the error must say that
	// it was our own limit, not the caller's: errors.Is(err, ErrQueryTimeout)
	// as well as errors.Is(err, context.DeadlineExceeded). Give the timeout
	// a cause (context.WithTimeoutCause), and when the query ends because
	// its context is done, return ctx.Err() together with context.Cause of
	// that context. Decide that from the context, not from the database's
	// error: a database that keeps the deadline itself fails in its own
	// words ("i/o timeout") at the same instant, and its timer can beat
	// ctx's. And send no query once the caller's deadline has come.
	qctx, cancel := context.WithTimeout(context.Background(), s.queryTimeout)
	defer cancel()

	// TODO(3): a database that ignores its context holds the caller for as
	// long as it likes. Run the query in a goroutine that sends its result
	// on a channel, and select on that channel and on the context's Done
	// channel. Make sure the goroutine can always finish its send, even
	// after nobody is listening any more.
	return s.db.Query(qctx, q)
}
