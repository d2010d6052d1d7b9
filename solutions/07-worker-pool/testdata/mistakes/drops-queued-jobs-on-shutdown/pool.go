// Mistake: each worker checks the closing signal before taking the next job and returns when it is closed, so Shutdown waits only for the running jobs, and the queued jobs it had accepted are never run, never reported, and lost.
// Caught by: TestShutdownReturnsTheMomentTheLastAcceptedJobIsDone

package pool

// worker does jobs from the queue, one at a time, until Shutdown begins.
func (p *Pool) worker(ctx context.Context) {
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
			continue
		}
		jobCtx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
		result, err := p.work(jobCtx, j.input)
		cancel()
		p.finish(j, result, err)
	}
}
