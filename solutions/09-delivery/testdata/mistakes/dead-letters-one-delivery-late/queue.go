// Mistake: a message goes to the dead letters only once its deliveries exceed MaxDeliver, so it gets one delivery more than configured: with MaxDeliver 1, a poison message is tried twice, and every failure costs the workers one more round.
// Caught by: TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries, TestALeaseThatRunsOutCountsAsADelivery

package delivery

// requeue puts a message that just left its lease back in line, or among
// the dead letters after its last delivery. q.mu must be held.
func (q *Queue) requeue(m *message, cause error) {
	if q.cfg.MaxDeliver > 0 && m.deliveries > q.cfg.MaxDeliver {
		q.dead = append(q.dead, DeadLetter{ID: m.id, Body: m.body, Deliveries: m.deliveries, Err: cause})
		return
	}
	q.ready = append(q.ready, m)
	q.wake()
}
