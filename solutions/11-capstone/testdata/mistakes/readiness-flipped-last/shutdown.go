// Mistake: readiness flips only after the drain, so the load balancer keeps sending orders that are refused with 503 for the whole drain.
// Caught by: TestShutdownFlipsReadinessFirstAndStopsIntakeBeforeItDrains

package capstone

// Shutdown stops the service in order: readiness flips to unready first,
// intake stops (new orders get 503), then the workers drain the queue
// until ctx ends. Orders left then are reported, and kept for the next
// start.
func (s *Service) Shutdown(ctx context.Context) Report {
	s.mu.Lock()
	s.intake = false
	s.mu.Unlock()
	s.queue.Close()
	defer func() {
		s.mu.Lock()
		s.ready = false // we are done: tell the load balancer
		s.mu.Unlock()
	}()

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

	s.mu.Lock()
	defer s.mu.Unlock()
	var report Report
	for id := range s.inFlight {
		report.Unfinished = append(report.Unfinished, id)
	}
	report.Unfinished = append(report.Unfinished, s.queue.Left()...)
	slices.Sort(report.Unfinished)
	return report
}
