package delivery

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// An Effect makes a side effect happen for one key (charge the card, send
// the email) and returns its result, a receipt. token is the fencing token
// of the reservation it runs under: pass it to a resource that checks
// tokens, so that a write from an owner that was taken over is refused.
type Effect func(ctx context.Context, token Token) (string, error)

// A Store remembers idempotency keys, so that an effect happens once per
// key however many times it is asked for: by a redelivered message, or by
// a client that retried. For each key it keeps a reservation:
//
//   - pending: an owner is doing the effect. It holds the reservation, with
//     a token, until its hold ends; a duplicate waits for it.
//   - done: the effect happened; every duplicate gets the stored result.
//
// An owner that fails gives the key up, so a retry can do the effect. An
// owner that vanishes (crashed, or paused) is presumed gone when its hold
// ends: the next duplicate takes the reservation over, with a newer token.
//
// A Store is safe for concurrent use.
type Store struct {
	hold time.Duration

	mu     sync.Mutex // guards what follows; never held while anyone waits
	tokens Token      // the last token handed out
	keys   map[string]*reservation
}

// reservation is what the Store knows about one key.
type reservation struct {
	owner   Token
	expires time.Time // while pending: when the owner is presumed gone
	done    bool
	result  string
	settled chan struct{} // closed when the owner ends: done, or given up
}

// NewStore returns an empty store whose owners hold a key for hold: longer
// than the effect ever takes, since past it a duplicate runs the effect
// again. It must be positive.
func NewStore(hold time.Duration) *Store {
	if hold <= 0 {
		panic("delivery: a Store's hold must be positive")
	}
	return &Store{hold: hold, keys: map[string]*reservation{}}
}

// Once makes effect happen once for key. If it is done already, Once
// returns the stored result at once, without running effect. If an owner
// is doing it, Once waits for that owner: for its result, for the key to be
// given up (then Once tries again), or for its hold to end (then Once takes
// over); or until ctx is done, then it returns an error wrapping ctx.Err()
// and leaves the reservation alone. Otherwise Once reserves the key, runs
// effect with a new token, and stores the result; if effect fails, Once
// gives the key up and returns the error.
//
// An owner that was taken over while its effect ran gets an error wrapping
// ErrLeaseLost, whatever its effect returned, and changes nothing.
func (s *Store) Once(ctx context.Context, key string, effect Effect) (string, error) {
	for {
		s.mu.Lock()
		now := time.Now()
		r := s.keys[key]
		switch {
		case r == nil || (!r.done && !now.Before(r.expires)):
			// Free, or its owner's hold has ended: take it, in the same
			// critical section as the look, or two callers could both.
			s.tokens++
			r = &reservation{owner: s.tokens, expires: now.Add(s.hold),
				settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, effect)
		case r.done:
			s.mu.Unlock()
			return r.result, nil
		}
		settled, expires := r.settled, r.expires
		s.mu.Unlock()
		if err := wait(ctx, settled, expires); err != nil {
			return "", fmt.Errorf("waited for the owner of %q: %w", key, err)
		}
	}
}

// run does the effect as the owner of key's reservation, then records how
// it ended, unless the reservation was taken over meanwhile.
func (s *Store) run(ctx context.Context, key string, token Token, effect Effect) (string, error) {
	result, err := effect(ctx, token)

	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.keys[key]
	if r == nil || r.owner != token {
		// Fenced: a newer owner holds the key (or held it, and is done,
		// or gave it up). Neither a result nor a failure of ours may
		// overwrite what it did.
		return "", fmt.Errorf("%w: the reservation of %q (token %d) was taken over", ErrLeaseLost, key, token)
	}
	close(r.settled)
	if err != nil {
		delete(s.keys, key) // give it up: a retry may do the effect
		return "", err
	}
	r.done, r.result = true, result
	return result, nil
}
