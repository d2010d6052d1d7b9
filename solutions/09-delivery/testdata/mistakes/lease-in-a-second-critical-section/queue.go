// Mistake: Receive looks at the first visible message in one critical section and leases it in a second one ("the message I saw is still first"), so two workers who look at once both take the same message, lease it twice, and the message behind it drops out of the line: lost, and counted nowhere.
// Caught by: TestConcurrentReceivesNeverLeaseOneMessageTwice

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
			m := q.ready[0] // this one is ours
			q.mu.Unlock()
			return q.take(m, now), nil
		}
		// Nothing visible: wait for a Put or a Nack, or for the first
		// lease or delay to end, whichever comes first. Never under the
		// lock.
		changed, next := q.changed, q.nextChange()
		q.mu.Unlock()
		if err := wait(ctx, changed, next); err != nil {
			return Delivery{}, err
		}
	}
}

// take leases m, which Receive found first in line.
func (q *Queue) take(m *message, now time.Time) Delivery {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.ready = q.ready[1:]
	q.tokens++
	m.token = q.tokens
	m.deliveries++
	m.received = now
	m.expires = now.Add(q.cfg.Lease)
	q.leased[m.id] = m
	q.stats.Deliveries++
	return Delivery{ID: m.id, Body: m.body, Attempt: m.deliveries, Token: m.token}
}
