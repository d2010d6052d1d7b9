// Mistake: The report sorts the unfinished IDs as strings ("job-N sorts in the order they came"), which holds only below ten jobs: job-10 comes before job-2.
// Caught by: TestTheReportNamesTwelveUnfinishedJobsInTheOrderTheyWereAccepted

package pool

// report is how the jobs ended so far. It is counted as they end, not from
// the statuses, which are forgotten after their retention.
func (p *Pool) report() Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := Report{Done: p.done, Failed: p.failed}
	for _, j := range p.unfinished {
		r.Unfinished = append(r.Unfinished, j.id)
	}
	slices.Sort(r.Unfinished) // the IDs are numbered in the order they were accepted
	return r
}
