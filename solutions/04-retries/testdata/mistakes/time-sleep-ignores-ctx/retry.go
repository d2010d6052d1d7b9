// Mistake: the backoff is a time.Sleep, which nothing can interrupt, so a caller who cancels is held until the sleep ends.
// Caught by: TestCancelDuringASleepEndsTheWaitAtOnce

package retries

// wait sleeps for d.
func wait(ctx context.Context, d time.Duration) error {
	time.Sleep(d)
	return nil
}
