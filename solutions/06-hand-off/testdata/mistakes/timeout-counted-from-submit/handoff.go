// Mistake: Submit gives each job its deadline (now + Timeout) when it queues it, so the time a job waits in the queue eats its time to work: a job queued behind a slow one fails before it has even started.
// Caught by: TestAJobThatHitsItsTimeoutFailsAndTheWorkerGoesOn

package handoff

// job is one piece of work waiting in the queue.
type job struct {
	id       JobID
	input    string
	deadline time.Time // when its work must be over
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
	case s.queue <- job{id: id, input: input, deadline: time.Now().Add(s.cfg.Timeout)}:
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
		ctx, cancel := context.WithDeadline(context.Background(), j.deadline)
		result, err := s.work(ctx, j.input)
		cancel()
		if err != nil {
			s.set(j.id, Status{State: Failed, Err: err})
			continue
		}
		s.set(j.id, Status{State: Done, Result: result})
	}
}
