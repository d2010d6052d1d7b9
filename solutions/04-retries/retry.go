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
	"fmt"
	"math/rand/v2"
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

// retryAfter returns the wait a server asked for, if err or an error it
// wraps has a RetryAfter method (an HTTP 503 or 429 with a Retry-After
// header, say).
func retryAfter(err error) (time.Duration, bool) {
	var hint interface{ RetryAfter() time.Duration }
	if !errors.As(err, &hint) {
		return 0, false
	}
	return max(hint.RetryAfter(), 0), true
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
func Do(ctx context.Context, p Policy, op func(context.Context) error) error {
	if p.Budget != nil {
		p.Budget.Request() // once per request: retries are not new requests
	}
	attempts := max(p.MaxAttempts, 1)
	for n := 0; ; n++ { // n: the retries made so far
		err := p.attempt(ctx, op)
		switch {
		case err == nil:
			return nil
		case ctx.Err() != nil:
			return gaveUp(n, ctx.Err(), err) // the caller has gone: final, whatever err says
		case !IsRetryable(err):
			return err // a second try would fail the same way: don't add load
		case n+1 >= attempts:
			return fmt.Errorf("gave up after %d attempts: %w", n+1, err)
		}

		sleep := p.backoff(n)
		if hint, ok := retryAfter(err); ok {
			// Never sooner than the server asked, and jittered on top, so
			// that the clients it turned away together do not all come
			// back at the very instant it named.
			sleep += hint
		}
		// Sleeping past the deadline only to fail then wastes the caller's
		// time; waking right at it leaves the retry no time to work.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= sleep {
			tooLate := fmt.Errorf("next retry in %v: %w", sleep, context.DeadlineExceeded)
			return gaveUp(n, tooLate, err)
		}
		// Asked last, so that a retry that was never going to happen does
		// not spend the budget.
		if p.Budget != nil && !p.Budget.TryRetry() {
			return gaveUp(n, ErrBudgetExhausted, err)
		}

		// A timer, not time.Sleep: a caller who leaves must not be held
		// until the sleep is over.
		timer := time.NewTimer(sleep)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return gaveUp(n, ctx.Err(), err)
		}
	}
}

// gaveUp is the error of a Do that stopped after n+1 attempts: it wraps why
// Do stopped and op's last error.
func gaveUp(n int, why, last error) error {
	return fmt.Errorf("gave up after %d attempts: %w; last error: %w", n+1, why, last)
}

// attempt makes one call of op and waits for it no longer than the
// attempt's context lasts: p.AttemptTimeout, cut short by the caller's
// deadline.
func (p Policy) attempt(ctx context.Context, op func(context.Context) error) error {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if p.AttemptTimeout > 0 {
		actx, cancel = context.WithTimeoutCause(ctx, p.AttemptTimeout, ErrAttemptTimeout)
	}
	defer cancel() // an op that listens stops as soon as we leave

	// Capacity 1: an abandoned attempt can still hand over its result, and exit.
	result := make(chan error, 1)
	go func() { result <- op(actx) }()

	var err error
	select {
	case err = <-result:
	case <-actx.Done():
		err = fmt.Errorf("stopped waiting for the attempt: %w", context.Cause(actx))
	}
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		// The attempt's own timeout: retryable, and not "deadline exceeded".
		return Retryable(fmt.Errorf("%w after %v", ErrAttemptTimeout, p.AttemptTimeout))
	}
	return err
}

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)). The randomness spreads clients
// that failed together, so they do not come back together.
func (p Policy) backoff(n int) time.Duration {
	// Double step by step and stop at the cap: Base<<n overflows for large
	// n and turns a long sleep into none.
	ceiling := p.Base
	for i := 0; i < n && ceiling < p.Cap; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.Cap)

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
