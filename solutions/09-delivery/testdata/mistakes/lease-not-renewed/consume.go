// Mistake: Consume never renews the lease while the handler works, so a job that takes longer than the lease is handed to a second worker in the middle, and done twice, while the first worker is still at it.
// Caught by: TestALongJobIsRenewedAndNeverRedelivered, TestAWorkerThatDiesStopsRenewing

package delivery

// handle runs h for one delivery, with a heartbeat, then acks or nacks.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	if err := h(ctx, d); err != nil {
		_ = q.Nack(d, err)
		return
	}
	_ = q.Ack(d)
}
