// Mistake: Close closes the queue every time it is called ("it is only called once"): a second Close, from a deferred cleanup or a second shutdown path, panics with "close of closed channel" and takes the process down.
// Caught by: TestCloseFinishesTheQueuedJobsThenStopsTheWorker, TestSubmitAfterCloseIsRefused, TestASecondCloseReturnsWithoutPanicking

package handoff

// Close stops taking jobs, lets the worker finish the jobs already in the
// queue, and returns once the worker has exited.
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true
	close(s.queue)
	s.mu.Unlock()
	<-s.stopped
}
