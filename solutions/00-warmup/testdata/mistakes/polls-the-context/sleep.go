// Mistake: sleeps in one-second steps and checks ctx.Err() between them, so a cancellation is noticed up to a second late, and the caller waits past its deadline.
// Caught by: TestSleepStopsTheMomentTheContextIsCancelled, TestSleepGivesUpAtTheDeadline

package warmup

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	const step = time.Second
	for start := time.Now(); ; {
		if err := ctx.Err(); err != nil {
			return err
		}
		left := d - time.Since(start)
		if left <= 0 {
			return nil
		}
		time.Sleep(min(step, left))
	}
}
