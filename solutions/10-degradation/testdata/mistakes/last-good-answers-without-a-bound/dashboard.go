// Mistake: every last good answer is kept, for every user ever seen, and never forgotten: the cache grows until the process runs out of memory, keeping answers too old to be served.
// Caught by: TestTheLastGoodAnswersKeptAreBoundedTheOldestForgottenFirst

package degradation

// remember keeps a fresh answer as the part's last good one.
func (s *Service) remember(part, userID string, a answer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := part + ":" + userID
	if e, ok := s.last[key]; ok {
		s.order.Remove(e)
	}
	s.last[key] = s.order.PushFront(entry{key: key, answer: a}) // memory is cheap
}
