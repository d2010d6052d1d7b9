// Mistake: Shutdown stops intake and returns at once, trusting the workers to finish the queued jobs on their own, so its caller (a process about to exit) does not wait for them and the report counts nothing.
// Caught by: TestShutdownReturnsTheMomentTheLastAcceptedJobIsDone, TestShutdownGivesUpExactlyAtItsDeadline

package pool

// Shutdown stops intake (Submit returns ErrClosed from now on), lets the
// workers finish every accepted job, queued or running, and returns when
// the last one is done, with a Report and nil.
//
// If ctx ends first, Shutdown stops waiting: it cancels the context of the
// jobs still running, makes sure no queued job starts, and returns at once
// with a Report naming every job that did not finish, and ctx.Err(). The
// workers return as soon as their Work does.
func (p *Pool) Shutdown(ctx context.Context) (Report, error) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.closing)
		p.closeQueueIfIdle()
	}
	p.mu.Unlock()
	// Submits still in their select leave at once now that closing is
	// closed; after that, the set of accepted jobs cannot change.
	<-p.intakeDone

	// The workers finish the queue on their own.
	return p.report(), nil
}
