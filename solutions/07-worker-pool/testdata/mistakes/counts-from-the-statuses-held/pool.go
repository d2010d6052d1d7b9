// Mistake: The report counts done and failed jobs from the statuses the pool holds, which the retention forgets: every job that ended longer ago than the retention is missing from the report.
// Caught by: TestTheReportCountsJobsWhoseStatusesWereForgotten

package pool

// report is how the jobs ended so far, counted from their statuses.
func (p *Pool) report() Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	left := slices.Clone(p.unfinished)
	slices.SortFunc(left, func(a, b *job) int { return a.seq - b.seq }) // the order they were accepted
	var r Report
	for _, j := range p.jobs {
		switch j.status.State {
		case Done:
			r.Done++
		case Failed:
			r.Failed++
		}
	}
	for _, j := range left {
		r.Unfinished = append(r.Unfinished, j.id)
	}
	return r
}
