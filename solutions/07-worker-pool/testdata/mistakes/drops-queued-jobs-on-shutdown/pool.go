// Mistake: each worker checks the closing signal before taking the next job and returns when it is closed, so Shutdown waits only for the running jobs, and the queued jobs it had accepted are never run, never reported, and lost.
// Caught by: TestShutdownReturnsTheMomentTheLastAcceptedJobIsDone

package pool

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker() {
	for {
		select {
		case <-p.closing:
			return // shutting down: stop taking jobs
		default:
		}
		var j *job
		select {
		case <-p.closing:
			return
		case next, ok := <-p.queue:
			if !ok {
				return
			}
			j = next
		}
		if !p.start(j) {
			continue // Shutdown gave up on it while it was queued
		}
		ctx, cancel := context.WithTimeout(p.ctx, p.cfg.Timeout)
		result, err := p.work(ctx, j.input)
		cancel()
		p.finish(j, result, err)
	}
}
