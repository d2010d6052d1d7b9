// Mistake: a critical request goes to the very front of the queue, ahead of the critical requests that came before it, so under a stream of critical requests the earliest one waits longest: last come, first served.
// Caught by: TestCriticalRequestsGoAheadOfSheddableOnes, TestAFullQueueShedsTheLastSheddableRequestFirst

package degradation

// enter takes a free slot, or a place in the queue, or refuses the request.
func (a *Admission) enter(class Criticality) (*waiter, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running < a.cfg.Slots {
		a.running++
		return nil, nil
	}
	if len(a.queue) >= a.cfg.Queue {
		last := a.lastSheddable()
		if class == Sheddable || last < 0 {
			a.class(class).Shed++
			return nil, ErrShed
		}
		pushed := a.queue[last]
		a.queue = slices.Delete(a.queue, last, last+1)
		a.stats.Sheddable.Shed++
		pushed.turn <- ErrShed
	}
	w := &waiter{class: class, turn: make(chan error, 1)}
	at := len(a.queue)
	if class == Critical {
		at = 0 // critical first
	}
	a.queue = slices.Insert(a.queue, at, w)
	a.changed()
	return w, nil
}
