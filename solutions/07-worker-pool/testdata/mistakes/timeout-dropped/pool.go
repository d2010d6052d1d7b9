// Mistake: to let Shutdown cancel the work, the worker passes the pool's context straight to Work and drops the job's own timeout ("Shutdown will stop it"): a dependency that hangs now holds its worker until the process stops, and with N such jobs the pool does nothing at all.
// Caught by: TestAJobThatHitsItsTimeoutFailsAndItsWorkerGoesOn

package pool

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker(ctx context.Context) {
	for j := range p.queue {
		if !p.start(j) {
			continue
		}
		result, err := p.work(ctx, j.input) // Shutdown can cancel it
		p.finish(j, result, err)
	}
}
