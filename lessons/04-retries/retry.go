// Package retries calls a dependency again when a call fails, in a way that
// helps instead of hurting: it waits longer before each retry (exponential
// backoff), spreads the waiting of many clients apart (full jitter), retries
// only failures that a second try can fix, gives each attempt a timeout of
// its own, never waits past its caller's deadline, waits at least as long
// as an overloaded server asks (Retry-After), and stops retrying when a
// budget of retries runs dry.
//
// Retry only what is safe to do twice. An attempt that timed out may have
// done its work all the same: retrying "charge the card" charges it twice
// unless the dependency recognises the repeat (an idempotency key, lesson 09).
package retries

import (
	"context"
	"errors"
	"time"
)

// Policy says how Do retries. Its zero value calls once and never retries.
type Policy struct {
	// MaxAttempts is the most calls Do makes for one request, the first
	// call included: 3 means one call and up to two retries. Less than 1
	// counts as 1.
	MaxAttempts int

	// Base and Cap shape the backoff: before retry n (n = 0 for the first
	// retry), Do sleeps a random time in [0, min(Cap, Base·2^n)).
	Base, Cap time.Duration

	// AttemptTimeout, if positive, is the longest Do waits for one attempt.
	// Each attempt gets a context that ends at AttemptTimeout or at the
	// caller's deadline, whichever comes first. An attempt that times out
	// is retried; the caller's deadline is final. Zero means attempts have
	// no timeout of their own, and still end at the caller's deadline.
	AttemptTimeout time.Duration

	// Rand returns a number in [0, 1) that picks where in that range each
	// sleep falls. Nil means math/rand/v2's Float64. Tests set it to make
	// the sleeps exact.
	Rand func() float64

	// Budget, if not nil, is shared by every request a client sends to
	// one dependency: each request adds to it and each retry spends from
	// it, so that retries stay a small share of what the client sends.
	Budget *Budget
}

// ErrAttemptTimeout is wrapped by the error of an attempt that ran out of
// Policy.AttemptTimeout while the caller was still waiting. It is not
// context.DeadlineExceeded: that one means the caller's own deadline passed.
var ErrAttemptTimeout = errors.New("attempt timed out")

// retryableError marks an error as worth another try.
type retryableError struct{ err error }

func (e retryableError) Error() string { return e.err.Error() }
func (e retryableError) Unwrap() error { return e.err }

// Retryable marks err as transient: the same call may succeed if made again
// (a timeout, "unavailable", "too many requests"). Do retries only errors
// marked this way. Retryable(nil) is nil.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return retryableError{err}
}

// IsRetryable reports whether err, or any error it wraps, was marked with
// Retryable.
func IsRetryable(err error) bool {
	var r retryableError
	return errors.As(err, &r)
}

// Do calls op until it succeeds, and retries a failure only when all of
// these hold: the error IsRetryable; fewer than p.MaxAttempts calls were
// made; the sleep before the retry ends before ctx's deadline; and p.Budget
// (if any) allows one more retry. Otherwise it returns at once, without
// sleeping. The sleep is the backoff, plus the server's Retry-After if the
// error carries one.
//
// Each attempt runs in a goroutine of its own, so Do stops waiting for it
// at p.AttemptTimeout or at ctx's end even if op does not listen to its
// context. Do may therefore return while an abandoned attempt is still
// running; it finishes on its own, and leaks nothing as long as op returns
// at all (give the client underneath a timeout of its own too).
//
// A non-retryable error is returned as it is. Any other error wraps op's
// last error and says why Do stopped: it also wraps ctx.Err() when the
// caller's context ended, context.DeadlineExceeded when the next sleep
// would end at or after the deadline, and ErrBudgetExhausted when the
// budget said no.
//
// As shipped, Do is the retry loop people write first: try again at once,
// whatever went wrong, up to 100 times. Against a dependency that is down,
// every caller turns one request into 100 calls, back to back.
func Do(ctx context.Context, p Policy, op func(context.Context) error) error {
	// TODO(6): count this request in p.Budget (once per Do, not per
	// attempt), and before each retry ask p.Budget.TryRetry(); when it says
	// no, stop and return an error wrapping ErrBudgetExhausted and the last
	// error.
	var err error
	// TODO(1): make at most p.MaxAttempts calls (the first one included,
	// and at least one), not 100. Stop at once when the error is not
	// IsRetryable. When the attempts run out, return an error that wraps
	// the last error with %w, so callers (and the layers above) can still
	// tell what went wrong.
	for range 100 {
		// TODO(4): make each attempt in a goroutine of its own, with a
		// context that ends at p.AttemptTimeout (context.WithTimeout, when
		// it is positive), and wait for its result or for that context's
		// end, whichever comes first: the result travels over a channel of
		// capacity 1, so an abandoned attempt can still hand it over and
		// exit. An attempt that timed out while ctx is still alive fails
		// with Retryable(an error wrapping ErrAttemptTimeout); once ctx
		// itself has ended, stop for good with an error wrapping ctx.Err().
		err = op(ctx)
		if err == nil {
			return nil
		}
		// TODO(2): back off before retry n (n = 0 first): sleep
		// p.Rand() × min(p.Cap, p.Base·2^n), full jitter, using
		// math/rand/v2's Float64 when p.Rand is nil. Double step by step
		// and stop at the cap: p.Base<<n overflows when n grows.

		// TODO(5): if the error (or one it wraps) has a method
		// RetryAfter() time.Duration, the server asked for a wait: sleep
		// that long plus the backoff above. Find it with errors.As.

		// TODO(3): never sleep past ctx's deadline: if the sleep would
		// end at or after it, give up at once with an error wrapping
		// context.DeadlineExceeded and the last error. And sleep with a
		// timer in a select on ctx.Done(), not time.Sleep, so that a
		// caller who cancels is let go at that moment.
	}
	return err
}
