// Mistake: Consume acks each delivery as soon as it arrives and then does the work, "so the queue can forget it sooner": a worker that dies in the middle has already said it was done, the lease is gone, and the message is lost for good (at-most-once).
// Caught by: TestAWorkerThatDiesBeforeTheEffectLosesNothing, TestACrashAfterTheEffectMakesItHappenTwice, TestACrashAtEachPointChargesAsOftenAsTheTableSays

package delivery

// handle runs h for one delivery, with a heartbeat, then acks, nacks or
// rejects.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	if err := q.Ack(d); err != nil {
		return // someone else has it
	}
	_ = h(ctx, d)
}
