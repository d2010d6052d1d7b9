// Mistake: the workers call Work with context.Background(), so at the deadline Shutdown reports the running jobs unfinished but cannot stop them: the database keeps working for nobody until they end on their own.
// Caught by: TestShutdownReportsTheJobsItGaveUpOnAndCancelsTheRunningOnes

package pool

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker() {
	for j := range p.queue {
		if !p.start(j) {
			continue // Shutdown gave up on it while it was queued
		}
		ctx, cancel := context.WithTimeout(context.Background(), p.cfg.Timeout)
		result, err := p.work(ctx, j.input)
		cancel()
		p.finish(j, result, err)
	}
}
