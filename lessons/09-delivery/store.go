package delivery

import (
	"context"
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

	// TODO(3): a sync.Mutex, never held while anyone waits, guarding each
	// key's reservation: pending (its owner's token, when its hold ends,
	// a channel closed when the owner is over) or done (the result).
	// TODO(4): the last token handed out.
}

// NewStore returns an empty store whose owners hold a key for hold: longer
// than the effect ever takes, since past it a duplicate runs the effect
// again. It must be positive.
func NewStore(hold time.Duration) *Store {
	if hold <= 0 {
		panic("delivery: a Store's hold must be positive")
	}
	return &Store{hold: hold}
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
	// TODO(3): as shipped, Once runs the effect every time it is asked: a
	// duplicate charges the card again. Look the key up and reserve it
	// in one critical section; run the effect without the lock; store
	// the result (done), or give the key up if the effect failed. A
	// duplicate of a pending key waits (wait, from queue.go, with the
	// owner's channel and the end of its hold) and looks again; once the
	// hold has ended, it takes the reservation over.
	// TODO(4): every reservation, and every takeover, gets a new, larger
	// token, passed to the effect. When the effect returns, the owner
	// records how it went only if the reservation is still its own (same
	// token); otherwise it returns an error wrapping ErrLeaseLost.
	return effect(ctx, 0)
}
