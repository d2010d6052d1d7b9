// Mistake: the workers give each job's Work a context made from context.Background(), so at the deadline Shutdown cancels a context nobody listens to: the database keeps working for nobody until the calls end on their own, and the pool reports them unfinished only after the grace.
// Caught by: TestShutdownReportsTheJobsItGaveUpOnAndCancelsTheRunningOnes, TestShutdownGivesUpExactlyAtItsDeadline

package pool

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker(ctx context.Context) {
	for j := range p.queue {
		if !p.start(j) {
			continue
		}
		jobCtx, cancel := context.WithTimeout(context.Background(), p.cfg.Timeout)
		result, err := p.work(jobCtx, j.input)
		cancel()
		p.finish(j, result, err)
	}
}
