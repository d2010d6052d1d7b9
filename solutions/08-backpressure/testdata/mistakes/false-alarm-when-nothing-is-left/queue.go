// Mistake: Shutdown returns an error whenever the ctx case of its select wins, even when no job was left: with an ended context, an idle queue (whose workers return only just after the channel closes) reports "shutdown gave up with work left" with nothing unfinished, a false alarm that ends up in exit codes and pages.
// Caught by: TestShutdownWithNothingLeftReturnsNilEvenIfItsContextHasEnded

package backpressure

// Shutdown stops intake and waits for the workers, or gives up when ctx
// ends.
func (q *Queue) Shutdown(ctx context.Context) (Report, error) {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.closeIntake()
		close(q.jobs)
	}
	q.mu.Unlock()

	select {
	case <-q.idle:
		q.stop()
		return q.report(), nil
	case <-ctx.Done():
		q.giveUp()
		return q.report(), fmt.Errorf("shutdown gave up with work left: %w", ctx.Err())
	}
}
