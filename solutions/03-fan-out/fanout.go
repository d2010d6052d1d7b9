// Package fanout builds one answer from several backends that do not need
// each other's answers, so it asks them all at once: the caller waits for
// the slowest, not for the sum. When one of them fails, the others are told
// to stop, because nobody will read their answers. And when one call has
// many questions for one backend, it asks at most a few at a time, so that
// the call cannot flood the backend on its own. (Many calls at once need a
// limit they share as well: one per call adds up.)
package fanout

import (
	"context"
	"fmt"

	"golang.org/x/sync/errgroup"
)

// Backend answers queries; it is across a network, so every query waits. A
// well-behaved Backend stops when ctx is done.
type Backend interface {
	Query(ctx context.Context, q string) (string, error)
}

// Dashboard is what the service returns: three parts of a user's page, each
// from its own backend.
type Dashboard struct {
	Profile, Orders, Recommendations string
}

// Service builds a user's dashboard from three backends that do not depend
// on each other.
type Service struct {
	profiles, orders, recommendations Backend
}

// NewService returns a service that asks profiles, orders and
// recommendations for the three parts of a dashboard.
func NewService(profiles, orders, recommendations Backend) *Service {
	return &Service{profiles: profiles, orders: orders, recommendations: recommendations}
}

// Handle asks the three backends for userID's parts ("profile:<userID>",
// "orders:<userID>", "recommendations:<userID>"), all at the same time, and
// waits for all three: the caller waits as long as the slowest one. The
// first part to fail ends the wait: the other queries are cancelled, and
// Handle returns that first error, which names the part.
func (s *Service) Handle(ctx context.Context, userID string) (Dashboard, error) {
	// ctx is cancelled, with the error as its cause, the moment one query
	// fails: every query must use this ctx, not the caller's.
	g, ctx := errgroup.WithContext(ctx)
	var d Dashboard
	// Each goroutine writes its own field and its own err; Wait returns only
	// after all of them are done, so reading d below is safe.
	g.Go(func() (err error) {
		d.Profile, err = ask(ctx, s.profiles, "profile", userID)
		return err
	})
	g.Go(func() (err error) {
		d.Orders, err = ask(ctx, s.orders, "orders", userID)
		return err
	})
	g.Go(func() (err error) {
		d.Recommendations, err = ask(ctx, s.recommendations, "recommendations", userID)
		return err
	})
	if err := g.Wait(); err != nil { // the first error, not the cancellations it caused
		return Dashboard{}, err
	}
	return d, nil
}

// ask queries b for one part of userID's dashboard, and says which part
// failed if it does.
func ask(ctx context.Context, b Backend, part, userID string) (string, error) {
	answer, err := b.Query(ctx, part+":"+userID)
	if err != nil {
		return "", fmt.Errorf("%s for user %s: %w", part, userID, err)
	}
	return answer, nil
}

// Lookup asks b about every key, with at most limit queries in flight at
// once, and returns the answers in the order of keys. The first query to
// fail ends the lookup: the queries in flight are cancelled, the keys still
// waiting for a turn are never sent, and Lookup returns that first error,
// which names the key. The caller's deadline or cancellation ends it the
// same way, with an error that wraps ctx.Err().
//
// limit must be at least 1; Lookup panics otherwise, before sending anything
// (errgroup reads a negative limit as "no limit", and 0 as "never start").
func Lookup(ctx context.Context, b Backend, keys []string, limit int) ([]string, error) {
	if limit < 1 {
		panic(fmt.Sprintf("fanout: Lookup needs a limit of at least 1, got %d", limit))
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit) // before the first Go: from now on Go waits for a free turn
	// One slot per key: the answers land in key order whatever order they
	// arrive in, and no two goroutines write the same memory.
	answers := make([]string, len(keys))
	var stopped error // why the loop below ended early, if it did
	for i, key := range keys {
		// A key failed, or the caller left: start nothing more. (A
		// continue would do the same, slower: ctx stays done.)
		if stopped = ctx.Err(); stopped != nil {
			break
		}
		g.Go(func() error {
			// Go may have waited for a turn while another key failed:
			// nobody will read this answer, so do not ask.
			if err := ctx.Err(); err != nil {
				return err
			}
			answer, err := b.Query(ctx, key)
			if err != nil {
				return fmt.Errorf("key %s: %w", key, err)
			}
			answers[i] = answer
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err // the first error, which cancelled the rest
	}
	if stopped != nil {
		return nil, stopped // the caller gave up before every key was asked
	}
	return answers, nil
}
