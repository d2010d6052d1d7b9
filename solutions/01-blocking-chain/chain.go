// Package chain is the simplest way to build a service, and the place where
// waiting starts: a client calls a service, the service calls a database,
// and every hop blocks until the next one answers.
//
// Nothing here is slow on its own. The waiting comes from the database
// being across a network, and it travels back up the chain to every caller.
package chain

import (
	"context"
	"fmt"
	"sync"
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

	// pool holds one token per connection in use: sending takes a
	// connection, receiving gives it back. Its capacity is the pool size,
	// so when it is full the next request waits until one is given back.
	// Which waiting request goes next the language leaves open: no promise
	// of first come, first served.
	pool chan struct{}

	// The gauge is written by every request and read from outside, so it is
	// guarded. The lock is only ever held for a counter update, never across
	// a wait.
	mu       sync.Mutex
	inFlight int
	peak     int
}

// NewService returns a service that asks db, holding at most poolSize
// connections to it at once. poolSize must be at least 1.
func NewService(db Database, poolSize int) *Service {
	if poolSize < 1 {
		// An unbuffered channel would make every request wait forever.
		panic(fmt.Sprintf("chain: pool size %d, want at least 1", poolSize))
	}
	return &Service{db: db, pool: make(chan struct{}, poolSize)}
}

// Handle builds userID's page: it asks the database for "user:<userID>", then
// for "orders:<the user answer>". It blocks for as long as the database takes,
// twice, plus any time spent waiting for a free connection.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	s.enter()
	defer s.leave() // deferred, so a failed request leaves the gauge too

	// Checked first: with a connection free, both cases below are ready,
	// and a select picks one at random. A caller who has gone takes none.
	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	select {
	case s.pool <- struct{}{}: // a free connection
	case <-ctx.Done(): // the caller stopped waiting while queued
		return Page{}, fmt.Errorf("user %s: waiting for a connection: %w", userID, ctx.Err())
	}
	// One connection for both queries, as the exercise asks. Giving it back
	// in between would interleave requests: with 7 callers and 3
	// connections the mean wait rises (4s instead of 3.4s) and the first
	// pages come later, though the last comes sooner (5s instead of 6s).
	defer func() { <-s.pool }()

	user, err := s.db.Query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	// This query needs the first answer, so it cannot start any earlier:
	// the two waits add up.
	orders, err := s.db.Query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	return Page{User: user, Orders: orders}, nil
}

// InFlight is the number of requests inside Handle now, whether they are
// waiting for a connection or for the database.
func (s *Service) InFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inFlight
}

// PeakInFlight is the most requests that have been inside Handle at once.
func (s *Service) PeakInFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

func (s *Service) enter() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
}

func (s *Service) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.inFlight--
}
