// Mistake: the list of last good answers is guarded, but it holds pointers, and each answer is written and read through its pointer after the lock is let go: the lock guards the list, not what it points to, so pages write an answer while others read it, a data race.
// Caught by: TestConcurrentPagesShareTheLastGoodAnswersSafely (race)

package degradation

// remember keeps a fresh answer as the part's last good one.
func (s *Service) remember(part, userID string, a answer) {
	key := part + ":" + userID
	s.mu.Lock()
	e, ok := s.last[key]
	if ok {
		s.order.MoveToFront(e)
	} else {
		e = s.order.PushFront(&entry{key: key})
		s.last[key] = e
	}
	for s.order.Len() > s.cfg.MaxEntries {
		delete(s.last, s.order.Remove(s.order.Back()).(*entry).key)
	}
	last := e.Value.(*entry)
	s.mu.Unlock()
	last.answer = a // the list is guarded; the entry itself is ours to fill in
}

// fallback returns what to serve instead of a part whose backend did not
// answer, and the note that says so.
func (s *Service) fallback(part, userID string, reason error) (string, Degradation) {
	d := Degradation{Part: part, Served: Omitted, Reason: reason}
	s.mu.Lock()
	e, ok := s.last[part+":"+userID]
	s.mu.Unlock()
	if ok {
		last := e.Value.(*entry)
		if age := time.Since(last.at); age <= s.cfg.MaxStale {
			d.Served, d.Age = Stale, age
			return last.value, d
		}
	}
	if value, ok := s.cfg.Defaults[part]; ok {
		d.Served = Default
		return value, d
	}
	return "", d
}
