// Mistake: when its ctx ends, Shutdown marks every job not finished unfinished, cancels the running ones and returns at once, without giving their Work a moment to return: a job that commits its write just after the cancel is reported unfinished although its effect happened, so the report is wrong exactly where resubmitting is dangerous.
// Caught by: TestShutdownGivesCancelledWorkAGraceAndReportsHowItEnded

package backpressure

// giveUp stops everything and reports what was left, at once.
func (q *Queue) giveUp() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.gaveUp = true
	for _, r := range q.byID {
		if r.status.State == Accepted || r.status.State == Running {
			q.end(r, Status{State: Unfinished})
		}
	}
	q.stop()
}
