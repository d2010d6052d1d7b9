// Mistake: The retry hint divides Depth by Workers in integers before it multiplies by ServiceTime: it drops part-rounds, and says "retry after 0s" whenever fewer units are queued than there are workers, which sends every client turned away straight back.
// Caught by: TestTheRetryHintIsTheDrainTimeOfWhatIsQueuedNow

package backpressure

// drainTime is how long the workers take, at ServiceTime a unit, to drain
// depth units: the retry hint. It is never 0, since the queue has just
// turned a job away and "retry at once" would send its client into a
// tight loop. Depth can read 0 while the room is still held (for the
// instant between a worker taking a job and giving its room back): the
// hint then counts one unit. The division rounds up for the same reason.
func (q *Queue) drainTime(depth int64) time.Duration {
	rounds := max(depth, 1) / int64(q.cfg.Workers) // each worker takes its share
	return time.Duration(rounds) * q.cfg.ServiceTime
}
