// Mistake: Submit queues the job, then waits for the worker to finish it "to return any error at once": the hand-off is only in name, the caller still waits for the whole job (and for every job queued before it).
// Caught by: TestSubmitReturnsAtOnceWhileTheWorkTakesSeconds, TestEverySubmitGetsItsOwnID, TestAFullQueueRefusesAtOnce

package handoff

// job is one piece of work waiting in the queue.
type job struct {
	id    JobID
	input string
	done  chan struct{} // closed by the worker when the job is finished
}

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	id, done, err := s.enqueue(input)
	if err != nil {
		return "", err
	}
	<-done // wait for the worker, so that the caller hears about failures
	return id, nil
}

// enqueue puts the job in the queue.
func (s *Service) enqueue(input string) (JobID, chan struct{}, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", nil, ErrClosed
	}
	done := make(chan struct{})
	id := JobID(fmt.Sprintf("job-%d", s.last+1))
	// Holding the lock across this send is safe only because the send
	// cannot wait: with the default case, a full queue is an answer, not a
	// wait. It is what keeps Close from closing the queue under our feet.
	select {
	case s.queue <- job{id: id, input: input, done: done}:
	default:
		return "", nil, fmt.Errorf("%w: %d jobs are already waiting", ErrQueueFull, cap(s.queue))
	}
	s.last++
	// Written before the lock is released, so the worker, which needs the
	// lock to say "running", can never be overtaken by this "accepted".
	s.status[id] = Status{State: Accepted}
	return id, done, nil
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
		if err != nil {
			s.set(j.id, Status{State: Failed, Err: err})
		} else {
			s.set(j.id, Status{State: Done, Result: result})
		}
		close(j.done)
	}
}
