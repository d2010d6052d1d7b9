package delivery

import (
	"context"
	"errors"
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

	// TODO(3): a sync.Mutex, never held while anyone waits, guarding each
	// key's reservation: the request it was first used for, and pending
	// (its owner's token, when its hold ends, a channel closed when the
	// owner is over) or done (the result, or the resource's error).
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
	// TODO(3): as shipped, Once runs the effect every time it is asked: a
	// duplicate charges the card again. A caller whose ctx is done gets
	// ctx's error and reserves nothing. Look the key up and reserve it in
	// one critical section; run the effect without the lock; store the
	// result (done). A duplicate of a pending key waits (wait, from
	// queue.go, with the owner's channel and the end of its hold) and
	// looks again; once the hold has ended, it takes the reservation over.
	// A key that comes with another request fails with ErrKeyReused.
	// TODO(4): every reservation, and every takeover, gets a new, larger
	// token, passed to the effect. Run the effect on
	// context.WithoutCancel(ctx) with the end of the hold as its deadline.
	// When it returns, the owner records how it went only if the
	// reservation is still its own (same token); otherwise it returns no
	// result and an error wrapping ErrLeaseLost. How it went: nil, a
	// result to store; ErrNotSent, give the key up; ErrOutcomeUnknown or a
	// context error, leave the key pending and return an error wrapping
	// ErrOutcomeUnknown; any other error, store it like a result.
	return effect(ctx, 0)
}
