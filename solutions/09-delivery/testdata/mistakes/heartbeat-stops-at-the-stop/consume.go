// Mistake: a stopping worker lets its job finish but stops renewing its lease the moment it is told to stop, so a job that outlasts the lease is handed to a second worker while the first one finishes it: done twice, by the drain meant to avoid it.
// Caught by: TestAStoppingWorkerFinishesTheJobInHand

package delivery

// watch renews d's lease every third of the lease until job is done. When
// a renewal is refused, the lease is lost: it ends the job with that
// error. When stop is done, it ends the job Config.Grace later.
func (q *Queue) watch(stop, job context.Context, d Delivery, end context.CancelCauseFunc) {
	tick := time.NewTicker(max(q.cfg.Lease/3, 1))
	defer tick.Stop()
	stopping := stop.Done()
	var grace *time.Timer
	var graceOver <-chan time.Time
	defer func() {
		if grace != nil {
			grace.Stop()
		}
	}()
	for {
		select {
		case <-job.Done():
			return
		case <-stopping:
			stopping = nil // no more renewals: we are stopping
			tick.Stop()
			grace = time.NewTimer(q.cfg.Grace)
			graceOver = grace.C
		case <-graceOver:
			end(errStopped)
			return
		case <-tick.C:
			if err := q.Renew(d); err != nil {
				end(err)
				return
			}
		}
	}
}
