// Mistake: a lease is over only after its end (now.After(end)), not at it, so at the very instant a lease ends the worker can still renew or ack it while the message should already be back in line; the lease covers [start, end] instead of [start, end).
// Caught by: TestARenewalAtTheVeryEndOfTheLeaseIsTooLate

package delivery

// settle brings the queue up to now: every lease that has ended, at or
// before now, gives its message back. Every method calls it first, so a
// lease ends at exactly its instant, whoever looks. q.mu must be held.
func (q *Queue) settle(now time.Time) {
	var ended []*message
	for _, m := range q.leased {
		if now.After(m.expires) {
			ended = append(ended, m)
		}
	}
	// Back in line in the order their leases ended.
	slices.SortFunc(ended, func(a, b *message) int {
		return cmp.Or(a.expires.Compare(b.expires), cmp.Compare(a.seq, b.seq))
	})
	for _, m := range ended {
		delete(q.leased, m.id)
		q.requeue(m, fmt.Errorf("%w: delivery %d of %s was not acked within %v", ErrLeaseExpired, m.deliveries, m.id, q.cfg.Lease))
	}
}
