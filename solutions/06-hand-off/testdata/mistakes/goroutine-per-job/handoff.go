// Mistake: The worker starts a goroutine for every job it takes, so that a slow job does not hold up the others: nothing waits in the queue any more, all the work lands on the dependency at once, and Close no longer waits for it.
// Caught by: TestJobsRunOneAtATimeInSubmissionOrder, TestAFullQueueRefusesAtOnce, TestCloseFinishesTheQueuedJobsThenStopsTheWorker (leak)

package handoff

// run is the worker: it takes jobs from the queue and starts each one.
func (s *Service) run() {
	defer close(s.stopped)
	for j := range s.queue {
		go s.do(j) // so that a slow job never holds up the others
	}
}

// do does one job.
func (s *Service) do(j job) {
	s.set(j.id, Status{State: Running})
	ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
	defer cancel()
	result, err := s.work(ctx, j.input)
	if err != nil {
		s.set(j.id, Status{State: Failed, Err: err})
		return
	}
	s.set(j.id, Status{State: Done, Result: result})
}
