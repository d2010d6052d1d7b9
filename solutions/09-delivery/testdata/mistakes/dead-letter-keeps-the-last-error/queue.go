// Mistake: a dead letter keeps only the error of the last delivery, so a message declined twice whose third worker died reads "lease expired", and the cause a person needs (the card was declined) is gone.
// Caught by: TestADeadLetterKeepsHowEveryDeliveryEnded, TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries, TestALeaseThatRunsOutCountsAsADelivery

package delivery

// bury puts m among the dead letters. q.mu must be held.
func (q *Queue) bury(m *message) {
	q.dead = append(q.dead, DeadLetter{ID: m.id, Body: m.body, Deliveries: m.deliveries, Errs: m.errs[len(m.errs)-1:]})
}
