// Mistake: a worker records how its job ended without looking at whether Shutdown has already reported it unfinished, so a Work that returns after the grace overwrites "unfinished" with "done": the job's Status contradicts the report the operator was given.
// Caught by: TestShutdownWaitsForCancelledWorkNoLongerThanTheGrace

package pool

// finish records how j ended.
func (p *Pool) finish(j *job, result string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case err == nil:
		p.end(j, Status{State: Done, Result: result})
	case p.gaveUp:
		p.end(j, Status{State: Unfinished})
	default:
		p.end(j, Status{State: Failed, Err: err})
	}
}
