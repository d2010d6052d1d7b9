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
	// TODO(1): this asks the three backends one after the other, so the
	// caller waits for the sum of their latencies (1s + 2s + 3s = 6s), although
	// no query needs another's answer. Ask all three at once with an
	// errgroup.Group from errgroup.WithContext (golang.org/x/sync/errgroup),
	// so the caller waits for the slowest only: max(1s, 2s, 3s) = 3s. Each
	// goroutine must write only what is its own: its field, and its own err.
	//
	// TODO(2): when one part fails, nobody needs the other two: stop them.
	// The context errgroup.WithContext returns is cancelled at the first
	// error (and context.Cause tells why): give that one, not the ctx Handle
	// got, to every query. Return the first error, the one that names the
	// part that failed, not the cancellations it caused.
	var d Dashboard
	var err error
	d.Profile, err = ask(ctx, s.profiles, "profile", userID)
	if err != nil {
		return Dashboard{}, err
	}
	d.Orders, err = ask(ctx, s.orders, "orders", userID)
	if err != nil {
		return Dashboard{}, err
	}
	d.Recommendations, err = ask(ctx, s.recommendations, "recommendations", userID)
	if err != nil {
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
	// TODO(3): this asks one key at a time, so 6 keys of 1s take 6s while
	// the backend could take limit of them at once. Use an errgroup.Group
	// from errgroup.WithContext with SetLimit(limit), called before the
	// first Go, so that Go waits for a free turn: 6 keys, limit 2, 1s each
	// take 3s. Put each answer in its own slot of answers (not append: the
	// answers arrive in any order, and appends from many goroutines race).
	// A key that was waiting for its turn when another one failed must not
	// be sent at all. Panic if limit < 1, before sending anything.
	answers := make([]string, len(keys))
	for i, key := range keys {
		answer, err := b.Query(ctx, key)
		if err != nil {
			return nil, fmt.Errorf("key %s: %w", key, err)
		}
		answers[i] = answer
	}
	return answers, nil
}
