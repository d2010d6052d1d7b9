// Mistake: The worker gives the work context.Background() ("the client has left, so there is no deadline"): a dependency that hangs holds the one worker for ever, and every job queued behind it waits with it.
// Caught by: TestAJobThatHitsItsTimeoutFailsAndTheWorkerGoesOn

package handoff

// run is the worker: it takes jobs from the queue, oldest first, until the
// queue is closed and empty.
func (s *Service) run() {
	defer close(s.stopped)
	for j := range s.queue {
		s.set(j.id, Status{State: Running})
		result, err := s.work(context.Background(), j.input)
		if err != nil {
			s.set(j.id, Status{State: Failed, Err: err})
			continue
		}
		s.set(j.id, Status{State: Done, Result: result})
	}
}
