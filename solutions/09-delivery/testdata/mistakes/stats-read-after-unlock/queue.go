// Mistake: Stats brings the queue up to now under the lock, then lets go of it and reads the counters and lengths without it ("they are only ints"), while workers change them: a data race, and figures that need not add up.
// Caught by: TestManyWorkersShareTheQueueWithoutARace (race)

package delivery

// Stats counts the messages by where they are now.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	q.settle(time.Now())
	q.mu.Unlock()
	s := q.stats
	s.Queued, s.Delayed, s.Leased, s.DeadLettered = len(q.ready), len(q.delayed), len(q.leased), len(q.dead)
	return s
}
