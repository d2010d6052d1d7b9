// Mistake: a message that goes back in line is queued afresh, as a new record with the same ID and body, so its count of deliveries starts again at zero: a poison message never reaches the dead letters and fails for ever, and every redelivery says it is the first.
// Caught by: TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries, TestALeaseThatRunsOutCountsAsADelivery, TestAMessageWhoseWorkerDiedComesBackWhenItsLeaseEnds

package delivery

// requeue puts a message that just left its lease back in line, or among
// the dead letters after its last delivery. q.mu must be held.
func (q *Queue) requeue(m *message, cause error) {
	if q.cfg.MaxDeliver > 0 && m.deliveries >= q.cfg.MaxDeliver {
		q.dead = append(q.dead, DeadLetter{ID: m.id, Body: m.body, Deliveries: m.deliveries, Err: cause})
		return
	}
	q.ready = append(q.ready, &message{id: m.id, seq: m.seq, body: m.body}) // back in line, like new
	q.wake()
}
