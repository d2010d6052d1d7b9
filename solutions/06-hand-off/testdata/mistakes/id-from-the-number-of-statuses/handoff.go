// Mistake: The next ID is numbered from how many statuses are held, which is the number of jobs only until the retention forgets some: then a new job gets the ID of a job still tracked, and overwrites its status.
// Caught by: TestForgettingAStatusNeverGivesItsIDToANewJob

package handoff

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget(time.Now())
	if s.closed {
		return "", ErrClosed // the queue is closed: sending on it would panic
	}
	id := JobID(fmt.Sprintf("job-%d", len(s.status)+1))
	// Holding the lock across this send is safe only because the send
	// cannot wait: with the default case, a full queue is an answer, not a
	// wait. It is what keeps Close from closing the queue under our feet.
	select {
	case s.queue <- job{id: id, input: input}:
	default:
		return "", fmt.Errorf("%w: %d jobs are already waiting", ErrQueueFull, cap(s.queue))
	}
	s.last++
	// Written before the lock is released, so the worker, which needs the
	// lock to say "running", can never be overtaken by this "accepted".
	s.status[id] = Status{State: Accepted}
	return id, nil
}
