// Mistake: The retention is counted from when the job was submitted, not from when it finished: a job that took longer than the retention is forgotten the moment it is done, before its client could ever read the result.
// Caught by: TestAFinishedJobIsForgottenTheInstantItsRetentionEnds, TestSubmitForgetsTheStatusesPastTheirRetention

package handoff

// job is one piece of work waiting in the queue.
type job struct {
	id        JobID
	input     string
	submitted time.Time
}

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget(time.Now())
	if s.closed {
		return "", ErrClosed
	}
	id := JobID(fmt.Sprintf("job-%d", s.last+1))
	select {
	case s.queue <- job{id: id, input: input, submitted: time.Now()}:
	default:
		return "", fmt.Errorf("%w: %d jobs are already waiting", ErrQueueFull, cap(s.queue))
	}
	s.last++
	s.status[id] = Status{State: Accepted}
	return id, nil
}

// run is the worker: it takes jobs from the queue, oldest first, until the
// queue is closed and empty.
func (s *Service) run() {
	defer close(s.stopped)
	for j := range s.queue {
		s.set(j.id, Status{State: Running})
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		result, err := s.work(ctx, j.input)
		cancel()
		st := Status{State: Done, Result: result}
		if err != nil {
			st = Status{State: Failed, Err: err}
		}
		s.mu.Lock()
		s.status[j.id] = st
		s.done = append(s.done, finished{id: j.id, at: j.submitted}) // when it came in
		s.mu.Unlock()
	}
}
