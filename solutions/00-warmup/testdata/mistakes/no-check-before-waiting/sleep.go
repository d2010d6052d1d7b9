// Mistake: waits in a select on the timer and ctx.Done() without looking at ctx first; when ctx is already done and d is 0, both cases are ready and the select picks one at random, so about half the calls report a full wait that was cancelled.
// Caught by: TestSleepReturnsAtOnceWhenTheContextIsAlreadyDone

package warmup

// Sleep waits for d, or until ctx is done, whichever comes first.
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
