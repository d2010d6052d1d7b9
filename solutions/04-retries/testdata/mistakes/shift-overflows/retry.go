// Mistake: the ceiling is min(Cap, Base<<n): for large n the shift overflows time.Duration, turns negative or zero, and a client that should wait at the cap retries at once.
// Caught by: TestBackoffDoublesFromBaseUpToTheCap

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
func Do(ctx context.Context, p Policy, op func(context.Context) error) error {
	if p.Budget != nil {
		p.Budget.Request() // once per request: retries are not new requests
	}
	attempts := max(p.MaxAttempts, 1)
	for n := 0; ; n++ { // n: the retries made so far
		err := op(ctx)
		switch {
		case err == nil:
			return nil
		case !IsRetryable(err):
			return err // a second try would fail the same way: don't add load
		case n+1 >= attempts:
			return fmt.Errorf("gave up after %d attempts: %w", n+1, err)
		case ctx.Err() != nil:
			return fmt.Errorf("gave up after %d attempts: %w; last error: %w", n+1, ctx.Err(), err)
		}

		sleep := p.backoff(n)
		// Sleeping past the deadline only to fail then wastes the caller's
		// time; waking right at it leaves the retry no time to work.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= sleep {
			return fmt.Errorf("gave up after %d attempts: the next retry, %v from now, would come too late: %w; last error: %w",
				n+1, sleep, context.DeadlineExceeded, err)
		}
		// Asked last, so that a retry that was never going to happen does
		// not spend the budget.
		if p.Budget != nil && !p.Budget.TryRetry() {
			return fmt.Errorf("gave up after %d attempts: %w; last error: %w", n+1, ErrBudgetExhausted, err)
		}

		// A timer, not time.Sleep: a caller who leaves must not be held
		// until the sleep is over.
		timer := time.NewTimer(sleep)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return fmt.Errorf("gave up while waiting to retry: %w; last error: %w", ctx.Err(), err)
		}
	}
}

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)). The randomness spreads clients
// that failed together, so they do not come back together.
func (p Policy) backoff(n int) time.Duration {
	// Double step by step and stop at the cap: Base<<n overflows for large
	// n and turns a long sleep into none.
	ceiling := min(p.Cap, p.Base<<n)

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
