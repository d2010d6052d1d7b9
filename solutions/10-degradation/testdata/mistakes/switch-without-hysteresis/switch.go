// Mistake: the switch has one threshold: off at Off or above, on below it. A queue that hovers at the threshold turns the optional parts off and on with every request that comes or goes, and the pages flap between whole and degraded.
// Caught by: TestTheSwitchTurnsOffAtOffAndBackOnAtOn, TestTheSwitchDoesNotFlapAtTheEdge, TestTheSwitchFollowsALoadStepAtExactInstants

package degradation

// Observe tells the switch the queue's depth now.
func (s *Switch) Observe(depth int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if off := depth >= s.cfg.Off; off != s.off {
		s.flip()
	}
}
