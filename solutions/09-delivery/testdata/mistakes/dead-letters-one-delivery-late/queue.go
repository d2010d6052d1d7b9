// Mistake: a message goes to the dead letters only once its deliveries exceed MaxDeliver, so it gets one delivery more than configured: with MaxDeliver 1, a poison message is tried twice, and every failure costs the workers one more round.
// Caught by: TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries, TestALeaseThatRunsOutCountsAsADelivery, TestADeadLetterKeepsHowEveryDeliveryEnded

package delivery

// fail records that m's delivery failed with cause, and puts m back: among
// the dead letters after its last delivery, else in line from the instant
// visible (at once if that is not after now). q.mu must be held, and m
// must have left the leased ones.
func (q *Queue) fail(m *message, cause error, visible, now time.Time) {
	m.errs = append(m.errs, cause)
	switch {
	case m.deliveries > q.cfg.MaxDeliver:
		q.bury(m)
	case visible.After(now):
		m.visible = visible
		q.delayed = append(q.delayed, m)
	default:
		q.ready = append(q.ready, m)
		q.wake()
	}
}
