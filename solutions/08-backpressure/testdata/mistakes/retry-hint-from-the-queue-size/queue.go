// Mistake: The retry hint is the drain time of the whole QueueSize ("turned away means full"), not of what is queued now: a big job turned away from a queue that is far from full is told to wait for a full queue to drain.
// Caught by: TestTheRetryHintIsTheDrainTimeOfWhatIsQueuedNow

package backpressure

// turnAway counts a rejection and says when to come back.
func (q *Queue) turnAway(cost int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	q.stats.Rejected++
	return &QueueFullError{
		Cost:  cost,
		Depth: q.stats.Depth,
		Size:  q.cfg.QueueSize,
		Wait:  q.drainTime(q.cfg.QueueSize), // the queue is full
	}
}
