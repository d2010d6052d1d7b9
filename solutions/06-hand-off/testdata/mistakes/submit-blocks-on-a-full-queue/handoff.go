// Mistake: Submit sends on the queue with a plain send, outside the lock: when the queue is full the caller waits, for as long as the job ahead of it takes, and the waiting is back with the caller.
// Caught by: TestAFullQueueRefusesAtOnce

package handoff

// Submit hands input over to be worked on and returns the job's ID.
func (s *Service) Submit(input string) (JobID, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return "", ErrClosed
	}
	s.last++
	id := JobID(fmt.Sprintf("job-%d", s.last))
	s.status[id] = Status{State: Accepted}
	s.mu.Unlock()
	// Not under the lock: the send may have to wait for room in the queue.
	s.queue <- job{id: id, input: input}
	return id, nil
}
