// Mistake: moves time.Sleep into a goroutine and selects on its done channel; the caller returns on time, but the sleeping goroutine cannot be stopped and waits out the full d for nobody.
// Caught by: TestSleepStopsTheMomentTheContextIsCancelled (leak), TestSleepGivesUpAtTheDeadline (leak), TestSleepReturnsAtOnceWhenTheContextIsAlreadyDone (leak)

package warmup

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	done := make(chan struct{})
	go func() {
		time.Sleep(d)
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
