package delivery

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// An Effect makes a side effect happen for one key (charge the card, send
// the email) and returns its result, a receipt. token is the fencing token
// of the reservation it runs under: a resource that checks tokens refuses
// a write from an owner that was taken over, if the newer owner wrote
// first. To keep a charge from happening twice, pass the key itself
// downstream (an Idempotency-Key header, a unique constraint), so that the
// resource answers a repeat with the first result.
//
// How it fails tells Once what happened: an error wrapping ErrNotSent
// says nothing reached the resource; one wrapping ErrOutcomeUnknown, or a
// context error, says nobody knows; any other error is the resource's
// answer (a declined card), and is kept like a result.
type Effect func(ctx context.Context, token Token) (string, error)

var (
	// ErrNotSent is wrapped by an Effect's error when it failed before its
	// request could reach the resource (invalid input, no connection):
	// nothing happened, so Once gives the key up and a retry may do the
	// effect.
	ErrNotSent = errors.New("the effect was not sent")
	// ErrOutcomeUnknown is wrapped by an Effect's error when the request
	// may have reached the resource but no answer came back (a connection
	// reset, a timeout): the effect may or may not have happened. Once
	// wraps it too. The key stays reserved until its hold ends; then the
	// next duplicate takes it over and repeats the request, which is safe
	// only if the resource knows the key.
	ErrOutcomeUnknown = errors.New("the outcome of the effect is unknown")
	// ErrKeyReused is wrapped by Once's error when a key comes with
	// another request than the one it was first used for: a client bug,
	// or two clients with the same key. Nothing is run and nothing is
	// returned (HTTP: 422).
	ErrKeyReused = errors.New("idempotency key reused for another request")
)

// A Store remembers idempotency keys, so that an effect happens once per
// key however many times it is asked for: by a redelivered message, or by
// a client that retried. For each key it keeps a reservation:
//
//   - pending: an owner is doing the effect. It holds the reservation, with
//     a token, until its hold ends; a duplicate waits for it.
//   - done: the effect happened, or the resource answered with an error;
//     every duplicate gets the stored result, or the stored error.
//
// An owner whose effect was never sent gives the key up, so a retry can do
// the effect. An owner that vanishes (crashed, or paused), or that does
// not know what its effect did, is presumed gone when its hold ends: the
// next duplicate takes the reservation over, with a newer token.
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
	request string // what the key was first used for
	owner   Token
	expires time.Time // while pending: when the owner is presumed gone
	done    bool
	result  string
	err     error         // done with the resource's refusal
	settled chan struct{} // closed when the owner is over: done, or given up
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

// Once makes effect happen once for key, for request: what the caller
// asks for under that key (the order and its amount, or a fingerprint of
// it). A key that comes back with another request fails with an error
// wrapping ErrKeyReused.
//
// If the key is done already, Once returns the stored result (or error) at
// once, without running effect. If an owner is doing it, Once waits for
// that owner: for its result, for the key to be given up (then Once tries
// again), or for its hold to end (then Once takes over); or until ctx is
// done, then it returns an error wrapping ctx.Err() and leaves the
// reservation alone. A caller whose ctx is done reserves nothing.
//
// Otherwise Once reserves the key and runs effect with a new token, on a
// context that its caller's cancellation does not reach (an effect cut
// short halfway is an effect nobody knows the outcome of) and that ends
// when the hold ends. Then it records the outcome: a result, or the
// resource's error, is stored; an effect that was not sent gives the key
// up; an effect whose outcome is unknown leaves the key pending until its
// hold ends, and Once's error wraps ErrOutcomeUnknown.
//
// An owner that was taken over while its effect ran gets an error wrapping
// ErrLeaseLost and no result, whatever its effect returned, and changes
// nothing.
func (s *Store) Once(ctx context.Context, key, request string, effect Effect) (string, error) {
	for {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("before reserving %q: %w", key, err)
		}
		s.mu.Lock()
		now := time.Now()
		r := s.keys[key]
		switch {
		case r != nil && r.request != request:
			s.mu.Unlock()
			return "", fmt.Errorf("%w: %q was first used for %q", ErrKeyReused, key, r.request)
		case r == nil || (!r.done && !now.Before(r.expires)):
			// Free, or its owner's hold has ended: take it, in the same
			// critical section as the look, or two callers could both.
			s.tokens++
			r = &reservation{request: request, owner: s.tokens, expires: now.Add(s.hold),
				settled: make(chan struct{})}
			s.keys[key] = r
			s.mu.Unlock()
			return s.run(ctx, key, r.owner, r.expires, effect)
		case r.done:
			result, err := r.result, r.err // under the lock: the owner wrote them
			s.mu.Unlock()
			return result, err
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
func (s *Store) run(ctx context.Context, key string, token Token, expires time.Time, effect Effect) (string, error) {
	// Not on the caller's ctx: its leaving must not stop a charge halfway.
	// Keep its values, drop its cancellation, and end at the hold's end,
	// when a duplicate may take over.
	work, cancel := context.WithDeadline(context.WithoutCancel(ctx), expires)
	defer cancel()
	result, err := effect(work, token)

	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.keys[key]
	if r == nil || r.owner != token {
		// Fenced: a newer owner holds the key (or held it, and is done,
		// or gave it up). Neither a result nor a failure of ours may
		// overwrite what it did.
		return "", fmt.Errorf("%w: the reservation of %q (token %d) was taken over", ErrLeaseLost, key, token)
	}
	switch {
	case err == nil:
		r.done, r.result = true, result
	case errors.Is(err, ErrNotSent):
		delete(s.keys, key) // nothing happened: a retry may do the effect
	case unknown(err):
		// Maybe it happened, maybe not: the key stays pending, and its
		// waiters wait for the hold to end, as for an owner that vanished.
		if !errors.Is(err, ErrOutcomeUnknown) {
			err = fmt.Errorf("%w: %w", ErrOutcomeUnknown, err)
		}
		return "", err
	default:
		r.done, r.err = true, err // the resource's answer, kept like a result
	}
	close(r.settled)
	return r.result, err
}

// unknown reports whether an effect's error leaves its outcome unknown.
func unknown(err error) bool {
	return errors.Is(err, ErrOutcomeUnknown) ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)
}
