// Mistake: critical requests go ahead in the queue, but a full queue refuses whoever comes next: at twice the capacity the queue is full of sheddable requests, and critical ones are turned away while sheddable ones wait.
// Caught by: TestAFullQueueShedsTheLastSheddableRequestFirst, TestAtTwiceTheCapacityNoCriticalRequestIsShed

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
		a.class(class).Shed++
		return nil, ErrShed // full: whoever comes now is turned away
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
