// Mistake: the backoff is a time.Sleep, which nothing can interrupt, so a caller who cancels is held until the sleep ends.
// Caught by: TestCancelDuringASleepEndsTheWaitAtOnce

package retries

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

		time.Sleep(sleep)
	}
}
