// Mistake: each worker hands every job to a goroutine of its own so that it is free for the next one, so nothing bounds how many jobs run at once: all 100 hit the database together.
// Caught by: TestTenWorkersFinishAHundredOneSecondJobsInTenSeconds, TestJobsBeyondTheWorkersWaitInTheQueueForTheirTurn

package pool

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker() {
	for j := range p.queue {
		if !p.start(j) {
			continue // Shutdown gave up on it while it was queued
		}
		go func() { // the worker is free for the next job at once
			ctx, cancel := context.WithTimeout(p.ctx, p.cfg.Timeout)
			result, err := p.work(ctx, j.input)
			cancel()
			p.finish(j, result, err)
		}()
	}
}
