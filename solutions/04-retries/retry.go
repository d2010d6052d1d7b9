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
	"fmt"
	"math"
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
			return err // a second try would fail the same way, or is not safe: don't add load
		case n+1 >= attempts:
			return DoNotRetry(fmt.Errorf("gave up after %d attempts: %w", n+1, err))
		}

		sleep := p.pause(n, err)
		// Sleeping past the deadline only to fail then wastes the caller's
		// time; waking right at it leaves the retry no time to work.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) <= sleep {
			tooLate := fmt.Errorf("%w: the next one would start in %v", ErrNoTimeToRetry, sleep)
			return gaveUp(n, tooLate, err)
		}
		// Asked last, so that a retry that was never going to happen does
		// not spend the budget.
		if p.Budget != nil && !p.Budget.TryRetry() {
			return gaveUp(n, ErrBudgetExhausted, err)
		}
		if left := wait(ctx, sleep); left != nil {
			return gaveUp(n, left, err)
		}
	}
}

// gaveUp is the error of a Do that stopped after n+1 attempts: it wraps why
// Do stopped and op's last error, and is final, so the layers above do not
// retry what this one gave up on. (The count, here and in Do's message
// when the attempts run out, is for people reading it; callers rely only on
// what errors.Is, errors.As and IsRetryable find in the error.)
func gaveUp(n int, why, last error) error {
	return DoNotRetry(fmt.Errorf("gave up after %d attempts: %w; last error: %w", n+1, why, last))
}

// wait sleeps for d, or until ctx ends, whichever comes first, and returns
// ctx.Err() if ctx ended. A timer, not time.Sleep: a caller who leaves must
// not be held until the sleep is over.
func wait(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// attempt makes one call of op and waits for it no longer than the
// attempt's context lasts: p.AttemptTimeout, cut short by the caller's
// deadline.
//
// A result that arrives after actx has ended is still the attempt's
// timeout. An op that returns because actx ended never gets there first
// (closing actx.Done wakes the select before op can send), so this matters
// only for an op that returns for a reason of its own (a socket deadline
// taken from actx, say) at the very instant actx ends: a tie the scheduler
// settles, which no deterministic test can set up.
func (p Policy) attempt(ctx context.Context, op func(context.Context) error) error {
	actx, cancel := ctx, context.CancelFunc(func() {})
	if p.AttemptTimeout > 0 {
		actx, cancel = context.WithTimeoutCause(ctx, p.AttemptTimeout, ErrAttemptTimeout)
	}
	defer cancel() // an op that listens stops as soon as we leave
	// Capacity 1: an abandoned attempt can still hand over its result, and exit.
	result := make(chan error, 1)
	go func() { result <- op(actx) }()

	select {
	case err := <-result:
		if err == nil || ctx.Err() != nil || actx.Err() == nil {
			return err
		}
	case <-actx.Done():
		if ctx.Err() != nil {
			return fmt.Errorf("stopped waiting for the attempt: %w", context.Cause(actx))
		}
	}
	return p.timedOut() // the attempt's own timeout, with the caller still waiting
}

// timedOut is the error of an attempt that ran out of p.AttemptTimeout. It
// is not "deadline exceeded": the caller still waits. And the attempt may
// have done its work, so it is worth a retry only if op is idempotent.
func (p Policy) timedOut() error {
	err := fmt.Errorf("%w after %v", ErrAttemptTimeout, p.AttemptTimeout)
	if !p.Idempotent {
		return DoNotRetry(fmt.Errorf("%w, and op is not idempotent", err))
	}
	return Retryable(err)
}

// pause is how long to sleep before retry n, after err: the backoff, plus
// the wait the server asked for if err carries a Retry-After.
func (p Policy) pause(n int, err error) time.Duration {
	sleep := p.backoff(n)
	if hint, ok := retryAfter(err); ok {
		// Never sooner than the server asked, and jittered on top, so that
		// the clients it turned away together do not all come back at the
		// very instant it named.
		sleep += hint
	}
	return sleep
}

// retryAfter returns the wait a server asked for, if err or an error it
// wraps has a RetryAfter method (an HTTP 503 or 429 with a Retry-After
// header, say). A negative wait is no hint at all (an HTTP date already in
// the past asks for no wait). A wait of 0 adds nothing, so taking it as a
// hint or not is the same.
func retryAfter(err error) (time.Duration, bool) {
	var hint interface{ RetryAfter() time.Duration }
	if !errors.As(err, &hint) || hint.RetryAfter() < 0 {
		return 0, false
	}
	return hint.RetryAfter(), true
}

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)). The randomness spreads clients
// that failed together, so they do not come back together.
//
// The ceiling doubles while it is below the limit, and becomes the limit
// once doubling would pass it (or overflow): ceiling > limit-ceiling is
// 2·ceiling > limit without the overflow. At the bounds either way is the
// same (a ceiling at the limit stays there; doubling to exactly the limit
// is the limit), so < and <=, > and >= there are equivalent.
func (p Policy) backoff(n int) time.Duration {
	limit := p.Cap
	if limit <= 0 {
		limit = math.MaxInt64 // no cap
	}
	// Double step by step and stop at the limit: Base<<n, or one doubling
	// past the largest time.Duration, overflows and turns a long sleep into none.
	ceiling := min(max(p.Base, 0), limit)
	for i := 0; i < n && ceiling < limit; i++ {
		if ceiling > limit-ceiling {
			ceiling = limit
		} else {
			ceiling *= 2
		}
	}

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
