// Mistake: each worker hands every job to a goroutine of its own so that it is free for the next one, so nothing bounds how many jobs run at once: all 100 hit the database together.
// Caught by: TestTenWorkersFinishAHundredOneSecondJobsInTenSeconds, TestJobsBeyondTheWorkersWaitInTheQueueForTheirTurn

package pool

// worker does jobs from the queue until the queue is closed and empty.
func (p *Pool) worker(ctx context.Context) {
	for j := range p.queue {
		if !p.start(j) {
			continue
		}
		go func() { // the worker is free for the next job at once
			jobCtx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
			result, err := p.work(jobCtx, j.input)
			cancel()
			p.finish(j, result, err)
		}()
	}
}
