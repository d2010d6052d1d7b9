// Mistake: Submit checks the closed flag under the lock, then lets go of it before the send ("a send that cannot wait needs no lock"): a Close in between closes the queue, and the send panics, or races with the close.
// Caught by: TestSubmitsRacingCloseAreEitherAcceptedAndDoneOrRefused (race)

package handoff

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	s.mu.Lock()
	s.forget(time.Now())
	if s.closed {
		s.mu.Unlock()
		return "", ErrClosed // the queue is closed: sending on it would panic
	}
	s.last++
	id := JobID(fmt.Sprintf("job-%d", s.last))
	// Recorded before the send, so the worker's "running" comes after it.
	s.status[id] = Status{State: Accepted}
	s.mu.Unlock()

	// The send cannot wait (default case), so it needs no lock.
	select {
	case s.queue <- job{id: id, input: input}:
		return id, nil
	default:
		s.mu.Lock()
		delete(s.status, id)
		s.mu.Unlock()
		return "", fmt.Errorf("%w: %d jobs are already waiting", ErrQueueFull, cap(s.queue))
	}
}
