// Package retries calls a dependency again when a call fails, in a way that
// helps instead of hurting: it waits longer before each retry (exponential
// backoff), spreads the waiting of many clients apart (full jitter), retries
// only failures that a second try can fix, gives each attempt a timeout of
// its own, never waits past its caller's deadline, waits at least as long
// as an overloaded server asks (Retry-After), stops retrying when a budget
// of retries runs dry, and tells the layers above when it has given up, so
// that they do not retry the same failure again.
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
	// retry), Do sleeps a random time in [0, min(Cap, Base·2^n)). A Cap of
	// zero or less means no cap. A Base of zero means no pause at all: the
	// back-to-back storm this package exists to prevent, right only in a test.
	Base, Cap time.Duration

	// AttemptTimeout, if positive, is the longest Do waits for one attempt.
	// Each attempt gets a context that ends at AttemptTimeout or at the
	// caller's deadline, whichever comes first, and Do stops waiting for it
	// then even if op does not listen. An attempt that timed out has an
	// unknown outcome: Do retries it only when Idempotent is set, and
	// otherwise returns at once. The caller's deadline is final. Zero means
	// attempts have no timeout of their own, and still end at the caller's
	// deadline.
	AttemptTimeout time.Duration

	// Idempotent promises that op may run more than once with the effect of
	// running once (a read, a write with an idempotency key), and that it
	// may run while an abandoned copy of itself is still running: it shares
	// no request body, buffer or transaction between attempts, nor with the
	// caller. Only then does Do retry an attempt that ran out of
	// AttemptTimeout. It changes nothing else: op still decides, with
	// Retryable, which of its own errors are worth another try.
	Idempotent bool

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

// ErrNoTimeToRetry is wrapped by Do's error when it gave up because the
// next retry could not start before the caller's deadline. It is not
// context.DeadlineExceeded: that deadline has not passed, and the caller
// still has the time until then (for a fallback, say).
var ErrNoTimeToRetry = errors.New("no time left to retry before the deadline")

// retryableError marks an error as worth another try.
type retryableError struct{ err error }

func (e retryableError) Error() string { return e.err.Error() }
func (e retryableError) Unwrap() error { return e.err }

// Retryable marks err as worth another try: the same call may succeed if
// made again, and making it again is safe. Do retries only errors marked
// this way. Mark a failure where the request was not processed (connection
// refused, a 503 or 429 from a server that turned it away before doing any
// work): that is safe for any operation. A timeout, or a connection lost
// after the request was sent, is an unknown outcome: the request may have
// done its work, so mark it only if the operation is idempotent.
// Retryable(nil) is nil.
func Retryable(err error) error {
	if err == nil {
		return nil
	}
	return retryableError{err}
}

// finalError marks an error that no layer should retry.
type finalError struct{ err error }

func (e finalError) Error() string { return e.err.Error() }
func (e finalError) Unwrap() error { return e.err }

// DoNotRetry marks err as final: the retries it was worth were spent, or
// refused, or it should never be retried, so no layer should retry it
// again. Do marks every error it gives up on this way (the "overloaded;
// don't retry" answer of the SRE book); an op may mark an error a server
// sent with the same meaning. IsRetryable is false for it, and for any
// error that wraps it, Retryable marks or not; errors.Is and errors.As
// still find everything it wraps. DoNotRetry(nil) is nil.
func DoNotRetry(err error) error {
	if err == nil {
		return nil
	}
	return finalError{err}
}

// IsRetryable reports whether err, or any error it wraps, was marked with
// Retryable, and Do has not given up on it: an error Do returned because
// it stopped retrying says "don't retry" to the layers above, however they
// wrap it.
func IsRetryable(err error) bool {
	var r retryableError
	var f finalError
	return errors.As(err, &r) && !errors.As(err, &f)
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
// running, and, with p.Idempotent, start the next attempt while the last
// one runs: op must not share with the caller, or with its own copies,
// anything they change or reuse (a request body, a buffer, a transaction).
// The abandoned attempt finishes on its own, and leaks nothing as long as
// op returns at all. Abandoning is a stopgap for a dependency that ignores
// its context: give the client underneath a timeout of its own too, and
// prefer an op that returns when its context ends.
//
// A non-retryable error is returned as it is. Any other error wraps op's
// last error, says why Do stopped, and is not retryable for the layers
// above (they still find its causes with errors.Is and errors.As): it also
// wraps ctx.Err() when the caller's context ended, ErrNoTimeToRetry when
// the next retry could not start before the deadline, ErrBudgetExhausted
// when the budget said no, and ErrAttemptTimeout when an attempt timed out
// and op is not Idempotent.
//
// As shipped, Do is the retry loop people write first: try again at once,
// whatever went wrong, up to 100 times. Against a dependency that is down,
// every caller turns one request into 100 calls, back to back.
func Do(ctx context.Context, p Policy, op func(context.Context) error) error {
	// TODO(6): count this request in p.Budget (once per Do, not per
	// attempt), and before each retry ask p.Budget.TryRetry(); when it says
	// no, stop and return an error wrapping ErrBudgetExhausted and the last
	// error, marked DoNotRetry.
	var err error
	// TODO(1): make at most p.MaxAttempts calls (the first one included,
	// and at least one), not 100. Stop at once when the error is not
	// IsRetryable, and return it as it is. When the attempts run out,
	// return an error that wraps the last error with %w, so callers can
	// still tell what went wrong, and mark it DoNotRetry, so the layers
	// above do not retry what this one gave up on.
	for range 100 {
		// TODO(4): make each attempt in a goroutine of its own, with a
		// context that ends at p.AttemptTimeout (context.WithTimeout, when
		// it is positive), and wait for its result or for that context's
		// end, whichever comes first: the result travels over a channel of
		// capacity 1, so an abandoned attempt can still hand it over and
		// exit. An attempt that timed out while ctx is still alive fails
		// with an error wrapping ErrAttemptTimeout: Retryable if
		// p.Idempotent, DoNotRetry if not (it may have done its work). Once
		// ctx itself has ended, stop for good with an error wrapping
		// ctx.Err().
		err = op(ctx)
		if err == nil {
			return nil
		}
		// TODO(2): back off before retry n (n = 0 first): sleep
		// p.Rand() × min(p.Cap, p.Base·2^n), full jitter, using
		// math/rand/v2's Float64 when p.Rand is nil. A Cap of zero means
		// no cap. Double step by step and stop at the cap (or at the
		// largest time.Duration): p.Base<<n overflows when n grows.

		// TODO(5): if the error (or one it wraps) has a method
		// RetryAfter() time.Duration, the server asked for a wait: sleep
		// that long plus the backoff above. Find it with errors.As. A
		// negative hint is no hint.

		// TODO(3): never sleep past ctx's deadline: if the sleep would
		// end at or after it, give up at once with an error wrapping
		// ErrNoTimeToRetry and the last error, marked DoNotRetry. And
		// sleep with a timer in a select on ctx.Done(), not time.Sleep,
		// so that a caller who cancels is let go at that moment.
	}
	return err
}
