// Mistake: enter looks for a free slot before taking the lock ("only a read"), then takes it under the lock: the read races with every request that takes or gives back a slot, and two requests can both see the last slot free and both take it.
// Caught by: TestAtTwiceTheCapacityNoCriticalRequestIsShed (race), TestConcurrentRequestsShareTheAdmissionSafely (race), TestTheSwitchFollowsALoadStepAtExactInstants (race)

package degradation

// enter takes a free slot, or a place in the queue, or refuses the request.
func (a *Admission) enter(class Criticality) (*waiter, error) {
	if a.running < a.cfg.Slots { // a quick look first: no need to lock for a read
		a.mu.Lock()
		a.running++
		a.mu.Unlock()
		return nil, nil
	}
	a.mu.Lock()
	defer a.mu.Unlock()
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
		at = a.firstSheddable()
	}
	a.queue = slices.Insert(a.queue, at, w)
	a.changed()
	return w, nil
}
