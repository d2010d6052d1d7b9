// Package chain is the simplest way to build a service, and the place where
// waiting starts: a client calls a service, the service calls a database,
// and every hop blocks until the next one answers.
//
// Nothing here is slow on its own. The waiting comes from the database
// being across a network, and it travels back up the chain to every caller.
package chain

import (
	"context"
)

// Database answers queries; the real one is across a network, so every query waits.
type Database interface {
	Query(ctx context.Context, q string) (string, error)
}

// Page is what the service returns: a user and their orders.
type Page struct {
	User, Orders string
}

// Service builds a user's page from two queries, one after the other, because the
// orders query needs the user's answer.
type Service struct {
	db Database

	// TODO(2): keep a gauge of the requests inside Handle: how many now, and
	// the most at once. Many requests run at the same time, so guard it.

	// TODO(3): add a pool of poolSize connections: a buffered channel with
	// one token per connection works as a semaphore.
}

// NewService returns a service that asks db, holding at most poolSize
// connections to it at once. poolSize must be at least 1.
func NewService(db Database, poolSize int) *Service {
	// TODO(3): make the pool; this starter has no limit at all.
	return &Service{db: db}
}

// Handle builds userID's page: it asks the database for "user:<userID>", then
// for "orders:<the user answer>". It blocks for as long as the database takes,
// twice, plus any time spent waiting for a free connection.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	// TODO(2): count this request in on the way in, and out on every way out.

	// TODO(3): take a connection from the pool before the first query, give it
	// back after the last one, and stop waiting for one when ctx is done. A
	// request whose ctx is already done takes none.

	// TODO(1): this asks for the user only. Then ask for "orders:" + the user
	// answer, and say which step failed: "user 42: ..." or
	// "orders for user 42: ...", wrapping the database's error.
	user, err := s.db.Query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, err
	}
	return Page{User: user}, nil
}

// InFlight is the number of requests inside Handle now, whether they are
// waiting for a connection or for the database.
func (s *Service) InFlight() int {
	return 0 // TODO(2)
}

// PeakInFlight is the most requests that have been inside Handle at once.
func (s *Service) PeakInFlight() int {
	return 0 // TODO(2)
}
