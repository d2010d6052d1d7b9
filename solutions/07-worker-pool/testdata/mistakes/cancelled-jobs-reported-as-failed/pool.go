// Mistake: a worker records how a job ended without checking whether Shutdown has already reported it unfinished, so a job cancelled at the deadline turns into "failed" when its Work returns the cancellation error, and its Status contradicts the report.
// Caught by: TestShutdownReportsTheJobsItGaveUpOnAndCancelsTheRunningOnes, TestEveryAcceptedJobEndsDoneFailedOrUnfinished

package pool

// finish records how j ended, unless Shutdown has already reported it
// unfinished: a report, once given, stays true.
func (p *Pool) finish(j *job, result string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.end(j, Status{State: Failed, Err: err})
		return
	}
	p.end(j, Status{State: Done, Result: result})
}
