// Mistake: the last good answer is served however old it is, so a backend that has been down for a day leaves the page showing a day-old recommendation as if it were current.
// Caught by: TestAnAnswerOlderThanMaxStaleIsNotServed, TestAStaleAnswerKeepsItsAgeWhenServedAgain

package degradation

// fallback returns what to serve instead of a part whose backend did not
// answer, and the note that says so.
func (s *Service) fallback(part, userID string, reason error) (string, Degradation) {
	d := Degradation{Part: part, Served: Omitted, Reason: reason}
	s.mu.Lock()
	e, ok := s.last[part+":"+userID]
	s.mu.Unlock()
	if ok { // something is better than nothing
		last := e.Value.(entry)
		d.Served, d.Age = Stale, time.Since(last.at)
		return last.value, d
	}
	if value, ok := s.cfg.Defaults[part]; ok {
		d.Served = Default
		return value, d
	}
	return "", d
}
