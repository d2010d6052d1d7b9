// Mistake: Close only marks the service closed: the worker is never told that no more jobs will come, so it waits on the queue for ever, a goroutine leaked with every Service, and Close returns before the queued jobs are done.
// Caught by: TestCloseFinishesTheQueuedJobsThenStopsTheWorker (leak)

package handoff

// Close stops taking jobs, lets the worker finish the jobs already in the
// queue, and returns once the worker has exited. Calling it again waits in
// the same way.
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true // Submit checks this; the worker will simply have nothing to do
	s.mu.Unlock()
}
