// Mistake: a waiting Receive wakes only when a message is Put or nacked at once, never when a lease or a backoff ends, so a message whose worker died, or whose retry waits out a delay, stays out of sight until something else happens to the queue: on a quiet queue, for ever.
// Caught by: TestAMessageWhoseWorkerDiedComesBackWhenItsLeaseEnds, TestRenewingKeepsTheMessageHiddenForAnotherLease, TestAWorkerThatDiesStopsRenewing, TestACrashAfterTheEffectMakesItHappenTwice, TestAWorkerThatDiesBeforeTheEffectLosesNothing, TestAFailedJobComesBackAfterABackoff

package delivery

// Receive waits until a message is visible, then leases it to the caller
// for Config.Lease and returns the delivery. A message is visible when it
// is new, from the instant its last lease ended, and from the end of the
// delay it was nacked with. It returns ctx.Err() once ctx is done, having
// taken nothing.
func (q *Queue) Receive(ctx context.Context) (Delivery, error) {
	for {
		if err := ctx.Err(); err != nil {
			return Delivery{}, err
		}
		q.mu.Lock()
		now := time.Now()
		q.settle(now)
		if len(q.ready) > 0 {
			d := q.lease(now)
			q.mu.Unlock()
			return d, nil
		}
		// Nothing visible: wait for a Put or a Nack, or for the first
		// lease or delay to end, whichever comes first. Never under the
		// lock.
		changed := q.changed // a Put or a Nack will wake us
		q.mu.Unlock()
		if err := wait(ctx, changed, time.Time{}); err != nil {
			return Delivery{}, err
		}
	}
}
