// Mistake: intake stops only after the drain, so orders accepted during the drain go into a closed queue and are promised by a process that is leaving.
// Caught by: TestShutdownFlipsReadinessFirstAndStopsIntakeBeforeItDrains

package capstone

// Shutdown stops the service in order: readiness flips to unready first,
// intake stops (new orders get 503), then the workers drain the queue
// until ctx ends. Orders left then are reported, and kept for the next
// start.
func (s *Service) Shutdown(ctx context.Context) Report {
	s.mu.Lock()
	s.ready = false
	s.mu.Unlock()
	s.queue.Close()
	defer func() {
		s.mu.Lock()
		s.intake = false // once the queue is drained, nothing more comes in
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
