// Mistake: a message that goes back in line is queued afresh, as a new record with the same ID and body, so its count of deliveries and its errors start again from nothing: a poison message never reaches the dead letters and fails for ever, and every redelivery says it is the first.
// Caught by: TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries, TestALeaseThatRunsOutCountsAsADelivery, TestAMessageWhoseWorkerDiedComesBackWhenItsLeaseEnds

package delivery

// fail records that m's delivery failed with cause, and puts m back: among
// the dead letters after its last delivery, else in line from the instant
// visible (at once if that is not after now). q.mu must be held, and m
// must have left the leased ones.
func (q *Queue) fail(m *message, cause error, visible, now time.Time) {
	m.errs = append(m.errs, cause)
	switch {
	case m.deliveries >= q.cfg.MaxDeliver:
		q.bury(m)
	case visible.After(now):
		m = &message{id: m.id, seq: m.seq, body: m.body, visible: visible} // back in line, like new
		q.delayed = append(q.delayed, m)
	default:
		q.ready = append(q.ready, &message{id: m.id, seq: m.seq, body: m.body})
		q.wake()
	}
}
