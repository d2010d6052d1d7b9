// Mistake: every error counts as a rejection, a 404 or the caller's own cancellation as much as a 503: a healthy backend that answers "not found", or clients who give up, make the client throttle itself against a backend that is not overloaded.
// Caught by: TestAnErrorThatIsNotARejectionCountsAsAccepted

package degradation

// NewThrottle returns a throttle with no history: it sends everything.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	if cfg.K <= 0 {
		cfg.K = DefaultK
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.MaxReject <= 0 {
		cfg.MaxReject = DefaultMaxReject
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(err error) bool { return err != nil } // anything but success is a rejection
	}
	return &Throttle{cfg: cfg, origin: time.Now(), counts: map[Criticality]*window{}}
}
