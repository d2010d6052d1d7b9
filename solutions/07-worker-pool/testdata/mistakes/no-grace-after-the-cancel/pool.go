// Mistake: when its ctx ends, Shutdown cancels the running jobs, marks them unfinished and returns at once, without giving their Work a moment to return: a job that commits its write just after the cancel is reported unfinished although its effect happened, so the report is wrong exactly where resubmitting it is dangerous.
// Caught by: TestAJobThatFinishesWithinTheGraceIsReportedDone, TestShutdownWaitsForCancelledWorkNoLongerThanTheGrace

package pool

// giveUp stops everything and reports what was left, at once.
func (p *Pool) giveUp() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.gaveUp = true
	for _, j := range p.jobs {
		if j.status.State == Accepted || j.status.State == Running {
			p.end(j, Status{State: Unfinished})
		}
	}
	p.cancel()
}
