// Mistake: sleeps in 50ms steps and checks ctx.Err() between them ("50ms is as good as at once"), so a cancellation is noticed at the next step, up to 50ms late, and the caller is kept waiting after it stopped caring.
// Caught by: TestSleepStopsTheMomentTheContextIsCancelled

package warmup

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	const step = 50 * time.Millisecond
	end := time.Now().Add(d)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		left := time.Until(end)
		if left <= 0 {
			return nil
		}
		time.Sleep(min(left, step))
	}
}
