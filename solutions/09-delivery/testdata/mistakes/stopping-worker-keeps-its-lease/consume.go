// Mistake: when its context ends in the middle of a job, Consume returns at once without giving the message back, so during a shutdown every job in progress sits out its lease, with other workers idle, before anyone picks it up.
// Caught by: TestAStoppingWorkerGivesItsMessageBack

package delivery

// handle runs h for one delivery, with a heartbeat, then acks or nacks.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	work, stop := context.WithCancel(ctx)
	defer stop()
	go q.heartbeat(work, d, stop)

	err := h(work, d)
	stop()
	if ctx.Err() != nil {
		return // shutting down: leave it
	}
	if err != nil {
		_ = q.Nack(d, err)
		return
	}
	_ = q.Ack(d)
}
