// Mistake: the queue is closed without waiting for the orders admitted a moment before intake stopped, so one answered 202 during the shutdown is neither drained nor reported.
// Caught by: TestAnOrderAcceptedAsIntakeStopsIsDrainedNotDropped

package capstone

// Shutdown stops the service in order, within ctx:
//
//  1. readiness flips to unready, and orders are still taken for
//     DrainDelay: a load balancer notices the flip only at its next
//     probes, and sends new orders here until then;
//  2. intake stops (new orders get 503), and the orders admitted before
//     are queued;
//  3. the workers drain the queue until it is empty or ctx ends.
//
// Orders left then are reported, and kept for the next start.
func (s *Service) Shutdown(ctx context.Context) Report {
	s.mu.Lock()
	s.ready = false
	s.mu.Unlock()
	delay := time.NewTimer(s.cfg.DrainDelay)
	select {
	case <-delay.C:
	case <-ctx.Done():
		delay.Stop()
	}

	s.mu.Lock()
	s.intake = false
	s.mu.Unlock()
	s.queue.Close()

	drained := make(chan struct{})
	go func() {
		s.workers.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-ctx.Done():
		s.stop() // the workers leave their calls; nothing is written for them
		<-drained
	}
	s.stop()
	s.sweeper.Wait()

	s.mu.Lock()
	defer s.mu.Unlock()
	var report Report
	for id := range s.inFlight {
		report.Unfinished = append(report.Unfinished, id)
	}
	for id, turn := range s.waiting {
		turn.Stop()
		s.queue.Unreserve()
		delete(s.waiting, id)
		report.Unfinished = append(report.Unfinished, id)
	}
	report.Unfinished = append(report.Unfinished, s.queue.Left()...)
	slices.Sort(report.Unfinished)
	return report
}
