// Mistake: Submit counts jobs with a plain s.last++ before it takes the lock ("it is only an int"): callers submitting at once race on the counter and may get the same ID, so one job's status overwrites another's.
// Caught by: TestEverySubmitGetsItsOwnID (race)

package handoff

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	s.last++
	id := JobID(fmt.Sprintf("job-%d", s.last))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", ErrClosed // the queue is closed: sending on it would panic
	}
	// Holding the lock across this send is safe only because the send
	// cannot wait: with the default case, a full queue is an answer, not a
	// wait. It is what keeps Close from closing the queue under our feet.
	select {
	case s.queue <- job{id: id, input: input}:
	default:
		return "", fmt.Errorf("%w: %d jobs are already waiting", ErrQueueFull, cap(s.queue))
	}
	// Written before the lock is released, so the worker, which needs the
	// lock to say "running", can never be overtaken by this "accepted".
	s.status[id] = Status{State: Accepted}
	return id, nil
}
