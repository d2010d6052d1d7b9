// Mistake: A zero Retention is read as "keep for ever" instead of DefaultRetention: a service configured without one holds every status it ever had, and its memory only grows.
// Caught by: TestWithoutARetentionAStatusIsKeptForADay

package handoff

// New returns a service with a queue that holds up to cfg.QueueSize
// waiting jobs and ONE worker, started at once. Call Close to stop it.
func New(work Work, cfg Config) *Service {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	s := &Service{
		work:    work,
		cfg:     cfg,
		queue:   make(chan job, cfg.QueueSize),
		stopped: make(chan struct{}),
		status:  make(map[JobID]Status),
	}
	go s.run()
	return s
}

// forget drops the statuses of the jobs that finished Retention ago or
// more. They are at the front of done, so each call costs only what it
// forgets. Call it with mu held.
func (s *Service) forget(now time.Time) {
	if s.cfg.Retention <= 0 {
		return // no retention set: keep them
	}
	for len(s.done) > 0 && !now.Before(s.done[0].at.Add(s.cfg.Retention)) {
		delete(s.status, s.done[0].id)
		s.done = s.done[1:]
	}
}
