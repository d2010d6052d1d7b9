// Mistake: Renew always moves the lease to now + Lease and ignores MaxLease, so a worker whose job hangs in a call that ignores its context keeps its message for ever: its heartbeat says it is alive, and nobody checks that the job moves; the message is never redelivered nor dead-lettered.
// Caught by: TestRenewalsNeverKeepAMessagePastMaxLease, TestAJobThatHangsLosesItsMessageAtMaxLease

package delivery

// Renew starts d's lease again: the message stays hidden for another
// Config.Lease from now, but never past Config.MaxLease from the instant
// d was received. A worker whose job takes longer than a lease renews it
// (a heartbeat). It fails with ErrLeaseLost once the lease has ended, even
// at the very instant it ends.
func (q *Queue) Renew(d Delivery) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	q.settle(now)
	m, err := q.held(d)
	if err != nil {
		return err
	}
	m.expires = now.Add(q.cfg.Lease) // as long as it beats, it is alive
	return nil
}
