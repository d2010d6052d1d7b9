// Mistake: The worker records only the outcome: a job goes straight from accepted to done, so for the whole time the work runs the client is told its job is still waiting in the queue.
// Caught by: TestStatusFollowsEachJobFromAcceptedToRunningToDone, TestAFailedJobReportsItsErrorAndTheWorkerGoesOn, TestStatusIsSafeToReadWhileTheWorkerWrites

package handoff

// run is the worker: it takes jobs from the queue, oldest first, until the
// queue is closed and empty.
func (s *Service) run() {
	defer close(s.stopped)
	for j := range s.queue {
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		result, err := s.work(ctx, j.input)
		cancel()
		if err != nil {
			s.set(j.id, Status{State: Failed, Err: err})
			continue
		}
		s.set(j.id, Status{State: Done, Result: result})
	}
}
