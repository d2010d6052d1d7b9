// Mistake: an answer that comes again for the same part and user is updated in place, and keeps its place in line: the cache forgets in the order users first came, so the user who came first and is still active loses the answer, and the one who left keeps it.
// Caught by: TestTheLastGoodAnswersKeptAreBoundedTheOldestForgottenFirst

package degradation

// remember keeps a fresh answer as the part's last good one.
func (s *Service) remember(part, userID string, a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := part + ":" + userID
	if e, ok := s.last[key]; ok {
		e.Value = entry{key: key, answer: a}
		return
	}
	s.last[key] = s.order.PushFront(entry{key: key, answer: a})
	for s.order.Len() > s.cfg.MaxEntries {
		delete(s.last, s.order.Remove(s.order.Back()).(entry).key)
	}
}
