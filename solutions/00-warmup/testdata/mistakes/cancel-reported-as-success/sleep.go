// Mistake: stops waiting when ctx is done but returns nil, so the caller cannot tell a wait cut short from a full one and carries on as if the time had passed.
// Caught by: TestSleepStopsTheMomentTheContextIsCancelled, TestSleepGivesUpAtTheDeadline, TestSleepReturnsAtOnceWhenTheContextIsAlreadyDone, TestSleepOnADoneContextReportsItEvenWithNothingToWait

package warmup

// Sleep waits for d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
	return nil
}
