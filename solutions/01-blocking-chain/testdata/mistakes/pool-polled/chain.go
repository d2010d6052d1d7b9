// Mistake: a request that finds every connection busy tries again every 10ms instead of waiting on the pool, so it takes a connection up to 10ms after it was given back (and whoever tries next gets it, not whoever came first).
// Caught by: TestAQueuedCallerGetsTheConnectionTheMomentItIsGivenBack

package chain

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Handle builds userID's page: it asks the database for "user:<userID>", then
// for "orders:<the user answer>". It blocks for as long as the database takes,
// twice, plus any time spent waiting for a free connection.
func (s *Service) Handle(ctx context.Context, userID string) (Page, error) {
	s.enter()
	defer s.leave() // deferred, so a failed request leaves the gauge too

	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	// Look for a free connection; while all are busy, look again shortly,
	// unless the caller has stopped waiting.
	for !s.tryTake() {
		select {
		case <-time.After(pollEvery):
		case <-ctx.Done():
			return Page{}, fmt.Errorf("user %s: waiting for a connection: %w", userID, ctx.Err())
		}
	}
	defer func() { <-s.pool }()

	user, err := s.db.Query(ctx, "user:"+userID)
	if err != nil {
		return Page{}, fmt.Errorf("user %s: %w", userID, err)
	}
	orders, err := s.db.Query(ctx, "orders:"+user)
	if err != nil {
		return Page{}, fmt.Errorf("orders for user %s: %w", userID, err)
	}
	return Page{User: user, Orders: orders}, nil
}

// pollEvery is how often a queued request looks for a free connection.
const pollEvery = 10 * time.Millisecond

// tryTake takes a connection if one is free, without waiting.
func (s *Service) tryTake() bool {
	select {
	case s.pool <- struct{}{}:
		return true
	default:
		return false
	}
}
