// Mistake: a client over its own quota is told the service is unavailable, so it cannot tell its own excess from an overloaded service, and the service looks down to its monitoring.
// Caught by: TestAClientOverItsQuotaGets429WhileOthersAreServed

package capstone

// admit decides whether an order may wait for a worker. It returns 0, and
// holds a place in the queue and in the client's quota, or the status to
// refuse it with: 429 for a client over its own quota, 503 when the service
// is full or shutting down.
func (s *Service) admit(client string, sheddable bool) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.intake {
		return http.StatusServiceUnavailable, "the service is shutting down"
	}
	if s.pending[client] >= s.cfg.Quota {
		return http.StatusServiceUnavailable, fmt.Sprintf("quota: %d orders", s.cfg.Quota)
	}
	limit := s.cfg.Queue
	if sheddable {
		limit = s.cfg.SheddableQueue
	}
	if !s.queue.Reserve(limit) {
		return http.StatusServiceUnavailable, "too many orders are waiting"
	}
	s.pending[client]++
	s.admitting.Add(1) // under mu, while intake is on: Shutdown waits for it
	return 0, ""
}
