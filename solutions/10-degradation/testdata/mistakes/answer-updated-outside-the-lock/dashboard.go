// Mistake: the map of last good answers is guarded, but it holds pointers, and each answer is written and read through its pointer after the lock is let go: the lock guards the map, not what it points to, so pages write an answer while others read it, a data race.
// Caught by: TestConcurrentPagesShareTheLastGoodAnswersSafely (race)

package degradation

// Service builds dashboards from three backends.
type Service struct {
	profiles, recommendations, activity Backend
	cfg                                 Config

	mu   sync.Mutex         // guards last
	last map[string]*answer // the last good answer, by part and user
}

// NewService returns a service.
func NewService(profiles, recommendations, activity Backend, cfg Config) *Service {
	if cfg.OptionalBudget <= 0 {
		panic(fmt.Sprintf("degradation: OptionalBudget must be positive, got %v", cfg.OptionalBudget))
	}
	return &Service{
		profiles:        profiles,
		recommendations: recommendations,
		activity:        activity,
		cfg:             cfg,
		last:            map[string]*answer{},
	}
}

// remember keeps a fresh answer as the part's last good one.
func (s *Service) remember(part, userID string, a answer) {
	s.mu.Lock()
	last, ok := s.last[part+":"+userID]
	if !ok {
		last = &answer{}
		s.last[part+":"+userID] = last
	}
	s.mu.Unlock()
	*last = a // the map is guarded; the answer itself is ours to fill in
}

// fallback returns what to serve instead of a part whose backend did not
// answer, and the note that says so.
func (s *Service) fallback(part, userID string, reason error) (string, Degradation) {
	d := Degradation{Part: part, Served: Omitted, Reason: reason}
	s.mu.Lock()
	last, ok := s.last[part+":"+userID]
	s.mu.Unlock()
	if ok {
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
