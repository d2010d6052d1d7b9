// Mistake: Do gives up only when the next sleep would end strictly after the deadline, so a retry is scheduled for the very instant the caller leaves: the caller waits out its whole deadline for a retry that cannot be answered, instead of getting its failure, and the time it had left, at once.
// Caught by: TestARetryThatCouldOnlyStartAtTheDeadlineIsNotMade

package retries

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
		// time.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < sleep {
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
