// Mistake: an answer is forgotten as soon as it is MaxStale old, not once it is older: at that very instant it may still be served, and a page that comes then gets nothing instead.
// Caught by: TestAnAnswerExactlyMaxStaleOldIsKeptUntilItIsServed

package degradation

// remember keeps a fresh answer as the part's last good one, and forgets
// what no longer fits.
func (s *Service) remember(part, userID string, a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := part + ":" + userID
	if e, ok := s.last[key]; ok {
		s.order.Remove(e)
	}
	s.last[key] = s.order.PushFront(entry{key: key, answer: a})
	for s.order.Len() > s.cfg.MaxEntries || s.order.Len() > 0 && time.Since(s.oldest().at) >= s.cfg.MaxStale {
		delete(s.last, s.order.Remove(s.order.Back()).(entry).key)
	}
}
