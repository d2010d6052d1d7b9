// Mistake: when the handler fails, Consume neither acks nor nacks ("the lease will run out and the message will come back anyway"), so every failed job waits out its lease before anyone tries it again, and its dead letter records an expired lease instead of the error.
// Caught by: TestAFailedJobIsGivenBackAtOnce, TestAPoisonMessageGoesToTheDeadLettersAfterMaxDeliverTries, TestAStoppingWorkerGivesItsMessageBack

package delivery

// handle runs h for one delivery, with a heartbeat, then acks or nacks.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	work, stop := context.WithCancel(ctx)
	defer stop()
	go q.heartbeat(work, d, stop)

	err := h(work, d)
	stop()
	if err != nil {
		return // not acked: it will come back when the lease runs out
	}
	_ = q.Ack(d)
}
