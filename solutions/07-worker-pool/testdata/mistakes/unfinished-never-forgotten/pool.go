// Mistake: at the deadline Shutdown marks the jobs it gives up on by setting their status, not through end: the report names them, but their retention never starts, so every unfinished job's status stays in memory for ever.
// Caught by: TestEveryFinishedJobIsForgottenWhenItsRetentionEnds

package pool

// abandon gives up on every job that has not finished, and reports them:
// a queued job is never started (the worker that takes it skips it), and
// running ones are cancelled through their context.
func (p *Pool) abandon() Report {
	p.mu.Lock()
	var left []*job
	for _, j := range p.jobs {
		if j.status.State == Accepted || j.status.State == Running {
			left = append(left, j)
		}
	}
	slices.SortFunc(left, func(a, b *job) int { return a.seq - b.seq })
	for _, j := range left {
		j.status = Status{State: Unfinished}
		p.tally.Unfinished = append(p.tally.Unfinished, j.id)
	}
	p.mu.Unlock()
	p.cancel()
	return p.report()
}
