// Mistake: every error is retried, a 400 as much as a 503, so a request that can never succeed is sent MaxAttempts times and the caller waits for all of them.
// Caught by: TestNonRetryableErrorReturnsAfterOneCall

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
