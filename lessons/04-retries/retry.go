// Package retries calls a dependency again when a call fails, in a way that
// helps instead of hurting: it waits longer before each retry (exponential
// backoff), spreads the waiting of many clients apart (full jitter), retries
// only failures that a second try can fix, never waits past its caller's
// deadline, and stops retrying when retries become a large share of what it
// sends (a retry budget).
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

	// Rand returns a number in [0, 1) that picks where in that range each
	// sleep falls. Nil means math/rand/v2's Float64. Tests set it to make
	// the sleeps exact.
	Rand func() float64

	// Budget, if not nil, is shared by every request of a client and
	// refuses retries once they would be more than its share of requests.
	Budget *Budget
}

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
// made; the backoff sleep ends before ctx's deadline; and p.Budget (if any)
// allows one more retry. Otherwise it returns at once, without sleeping.
//
// A non-retryable error is returned as it is. Any other error wraps op's
// last error and says why Do stopped: it also wraps ctx.Err() when ctx ended
// during a sleep, context.DeadlineExceeded when the next sleep would end at
// or after the deadline, and ErrBudgetExhausted when the budget said no.
//
// As shipped, Do is the retry loop people write first: try again at once,
// whatever went wrong, up to 100 times. Against a dependency that is down,
// every caller turns one request into 100, all at the same instant.
func Do(ctx context.Context, p Policy, op func(context.Context) error) error {
	// TODO(4): count this request in p.Budget (once per Do, not per
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
		err = op(ctx)
		if err == nil {
			return nil
		}
		// TODO(2): back off before retry n (n = 0 first): sleep
		// p.Rand() × min(p.Cap, p.Base·2^n), full jitter, using
		// math/rand/v2's Float64 when p.Rand is nil. Double step by step
		// and stop at the cap: p.Base<<n overflows when n grows.

		// TODO(3): never sleep past ctx's deadline: if the sleep would
		// end at or after it, give up at once with an error wrapping
		// context.DeadlineExceeded and the last error. And sleep with a
		// timer in a select on ctx.Done(), not time.Sleep, so that a
		// caller who cancels is let go at that moment.
	}
	return err
}
