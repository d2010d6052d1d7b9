// Mistake: Sleep goes straight to the select, trusting its ctx.Done() case to see a context that has already ended; with d <= 0 the timer is ready at once too, and a select picks at random, so half the time a caller who had given up is told it waited the full time.
// Caught by: TestSleepOnADoneContextReportsItEvenWithNothingToWait

package warmup

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
