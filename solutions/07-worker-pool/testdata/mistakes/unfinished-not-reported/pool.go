// Mistake: at the deadline Shutdown cancels the work and returns the counts so far, without stopping the queued jobs or naming the jobs that did not finish, so queued jobs later run with a cancelled context and fail, and accepted no longer equals done + failed + unfinished.
// Caught by: TestShutdownReportsTheJobsItGaveUpOnAndCancelsTheRunningOnes, TestEveryAcceptedJobEndsDoneFailedOrUnfinished

package pool

// Shutdown stops intake and waits for the workers, or gives up when ctx
// ends.
func (p *Pool) Shutdown(ctx context.Context) (Report, error) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.closing)
		p.closeQueueIfIdle()
	}
	p.mu.Unlock()
	<-p.intakeDone

	select {
	case <-p.drained:
		p.cancel()
		return p.report(), nil
	case <-ctx.Done():
		p.cancel() // the running jobs stop
		return p.report(), ctx.Err()
	}
}
