// Mistake: a lease is over only after its end (now.After(end)), not at it, so at the very instant a lease ends the worker can still renew or ack it while the message should already be back in line; the lease covers [start, end] instead of [start, end).
// Caught by: TestARenewalAtTheVeryEndOfTheLeaseIsTooLate

package delivery

// settle brings the queue up to now: every lease that has ended, at or
// before now, gives its message back, and every delay that has ended puts
// its message in line. Every method calls it first, so a lease or a delay
// ends at exactly its instant, whoever looks. q.mu must be held.
func (q *Queue) settle(now time.Time) {
	type due struct {
		m       *message
		at      time.Time
		expired bool // a lease that ended; else a delay
	}
	var back []due
	for _, m := range q.leased {
		if now.After(m.expires) {
			back = append(back, due{m, m.expires, true})
		}
	}
	for _, m := range q.delayed {
		if !now.Before(m.visible) {
			back = append(back, due{m, m.visible, false})
		}
	}
	q.delayed = slices.DeleteFunc(q.delayed, func(m *message) bool { return !now.Before(m.visible) })
	// Back in line in the order their leases or delays ended.
	slices.SortFunc(back, func(a, b due) int {
		return cmp.Or(a.at.Compare(b.at), cmp.Compare(a.m.seq, b.m.seq))
	})
	for _, b := range back {
		if !b.expired {
			q.ready = append(q.ready, b.m)
			q.wake()
			continue
		}
		delete(q.leased, b.m.id)
		q.fail(b.m, fmt.Errorf("%w: delivery %d of %s was not acked within its lease",
			ErrLeaseExpired, b.m.deliveries, b.m.id), now, now)
	}
}
