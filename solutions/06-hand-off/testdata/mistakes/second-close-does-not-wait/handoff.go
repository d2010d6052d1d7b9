// Mistake: A Close that finds the service already closed returns at once ("the first Close does the waiting"): a second caller, say a signal handler, is told the service has stopped while the worker is still finishing the queued jobs.
// Caught by: TestASecondCloseWaitsForTheQueuedJobsLikeTheFirst

package handoff

// Close stops taking jobs, lets the worker finish the jobs already in the
// queue, and returns once the worker has exited. It has no deadline: it
// waits as long as the queue takes, up to (QueueSize + 1) × Timeout.
func (s *Service) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return // already closed: nothing more to do
	}
	s.closed = true
	close(s.queue) // the worker's range ends once the queue is empty
	s.mu.Unlock()
	<-s.stopped
}
