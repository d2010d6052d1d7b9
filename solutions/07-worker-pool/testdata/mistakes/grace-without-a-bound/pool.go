// Mistake: once it has cancelled the running jobs, Shutdown waits for every worker to return, with no bound, "so that the report is exact": a Work that ignores its context holds Shutdown, and the process, until it ends on its own, long past the time the orchestrator gives before it kills the process without any report.
// Caught by: TestShutdownWaitsForCancelledWorkNoLongerThanTheGrace

package pool

// giveUp stops everything, waits for the workers, and reports what was
// left.
func (p *Pool) giveUp() {
	p.mu.Lock()
	p.gaveUp = true
	p.mu.Unlock()
	p.cancel()
	<-p.drained // however long the cancelled work takes

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.jobs {
		if j.status.State == Accepted || j.status.State == Running {
			p.end(j, Status{State: Unfinished})
		}
	}
}
