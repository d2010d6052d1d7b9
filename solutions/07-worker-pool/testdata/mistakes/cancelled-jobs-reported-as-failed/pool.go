// Mistake: a worker records every error its Work returns as a failure, even one that comes after Shutdown cancelled the job, so the jobs cancelled at the deadline are counted failed, not unfinished, and the report names none of them: whoever reads it thinks their work is broken, not that Shutdown stopped it.
// Caught by: TestShutdownReportsTheJobsItGaveUpOnAndCancelsTheRunningOnes, TestEveryAcceptedJobEndsDoneFailedOrUnfinished

package pool

// finish records how j ended, unless Shutdown has already reported it
// unfinished.
func (p *Pool) finish(j *job, result string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case j.status.State != Running:
	case err == nil:
		p.end(j, Status{State: Done, Result: result})
	default: // whatever the error, and whenever it came
		p.end(j, Status{State: Failed, Err: err})
	}
}
