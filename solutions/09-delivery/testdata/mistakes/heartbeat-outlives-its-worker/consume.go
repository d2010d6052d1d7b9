// Mistake: the heartbeat is stopped on the line after the handler, not in a defer, so when the worker's goroutine ends inside the handler the heartbeat goes on renewing for a worker that is gone: the message is never redelivered, and nobody will ever finish it.
// Caught by: TestAWorkerThatDiesStopsRenewing, TestAWorkerThatDiesBeforeTheEffectLosesNothing, TestACrashAfterTheEffectMakesItHappenTwice, TestACrashAtEachPointChargesAsOftenAsTheTableSays

package delivery

// handle runs h for one delivery, with a heartbeat, then acks or nacks.
func (q *Queue) handle(ctx context.Context, d Delivery, h Handler) {
	beat, stopBeat := context.WithCancel(ctx)
	go q.heartbeat(beat, d, stopBeat)

	err := h(ctx, d)
	stopBeat()
	if err != nil {
		_ = q.Nack(d, err)
		return
	}
	_ = q.Ack(d)
}
