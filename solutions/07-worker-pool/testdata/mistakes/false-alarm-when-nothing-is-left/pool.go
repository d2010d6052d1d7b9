// Mistake: Shutdown returns ctx.Err() whenever the ctx case of its select wins, even when no job was left: with an ended context, an idle pool (whose workers return only just after the queue closes) reports a failed shutdown with nothing unfinished, a false alarm that ends up in exit codes and pages.
// Caught by: TestShutdownWithNothingLeftReturnsNilEvenIfItsContextHasEnded

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
		p.giveUp()
		p.cancel()
		return p.report(), ctx.Err() // "it ran out of time", whatever was left
	}
}
