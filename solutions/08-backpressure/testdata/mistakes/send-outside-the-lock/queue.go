// Mistake: enqueue checks closed and records the job under the lock, then sends it after unlocking ("never hold a lock across a send"): a Shutdown in between closes the channel, and the send panics, or races with the close.
// Caught by: TestSubmitsRacingShutdownAreEitherAcceptedAndDoneOrRefused (race)

package backpressure

// enqueue queues a job that already holds its room.
func (q *Queue) enqueue(j Job, cost int64) (JobID, error) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		q.room.Release(cost)
		return "", ErrClosed
	}
	q.forget(time.Now())
	q.next++
	r := &record{
		id:       JobID(fmt.Sprintf("job-%d", q.next)),
		n:        q.next,
		job:      j,
		cost:     cost,
		queuedAt: time.Now(),
		status:   Status{State: Accepted},
	}
	q.byID[r.id] = r
	q.stats.Accepted++
	q.stats.Depth += cost
	q.stats.PeakDepth = max(q.stats.PeakDepth, q.stats.Depth)
	q.mu.Unlock()
	q.jobs <- r // never under the lock; it has room, so it never blocks
	return r.id, nil
}
