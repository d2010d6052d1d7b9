// Mistake: A status is forgotten only when someone asks for it after its retention, never in a sweep: most clients stop asking once their job is done, so most statuses stay in memory for ever.
// Caught by: TestSubmitForgetsTheStatusesPastTheirRetention

package handoff

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", ErrClosed
	}
	id := JobID(fmt.Sprintf("job-%d", s.last+1))
	select {
	case s.queue <- job{id: id, input: input}:
	default:
		return "", fmt.Errorf("%w: %d jobs are already waiting", ErrQueueFull, cap(s.queue))
	}
	s.last++
	s.status[id] = Status{State: Accepted}
	return id, nil
}

// Status returns what is known about the job now, or an error wrapping
// ErrUnknownJob.
func (s *Service) Status(id JobID) (Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	for i, f := range s.done {
		if f.id == id && !now.Before(f.at.Add(s.cfg.Retention)) {
			delete(s.status, id) // forget this one, now that it is asked for
			s.done = append(s.done[:i:i], s.done[i+1:]...)
			break
		}
	}
	st, ok := s.status[id]
	if !ok {
		return Status{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	return st, nil
}
