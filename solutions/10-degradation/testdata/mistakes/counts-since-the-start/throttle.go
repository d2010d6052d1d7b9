// Mistake: requests and accepts are counted since the throttle was made, not over the last Window: twenty healthy minutes bank so many accepts that an outage is not throttled for twenty more, and after an outage its rejections hold the client back long after the backend has recovered.
// Caught by: TestTheThrottleStartsWithinAWindowEvenAfterALongHealthyHistory, TestTheThrottleRecoversOnceCapacityReturns, TestTheThrottleForgetsExactlyAWindowAgo

package degradation

// A Throttle is client-side adaptive throttling.
type Throttle struct {
	cfg ThrottleConfig

	mu                sync.Mutex
	requests, accepts int // since the start: simple, and nothing to forget
}

// NewThrottle returns a throttle with no history: it sends everything.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	if cfg.K <= 0 {
		cfg.K = DefaultK
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(err error) bool { return err != nil }
	}
	return &Throttle{cfg: cfg}
}

// Do counts a request and, with the probability above, rejects it.
func (t *Throttle) Do(ctx context.Context, op func(context.Context) error) error {
	t.mu.Lock()
	p := t.probability(time.Now())
	t.requests++
	reject := p > 0 && t.cfg.Rand() < p
	t.mu.Unlock()
	if reject {
		return ErrThrottled
	}

	err := op(ctx)
	if !t.cfg.Rejected(err) {
		t.mu.Lock()
		t.accepts++
		t.mu.Unlock()
	}
	return err
}

// probability is max(0, (requests − K·accepts) / (requests + 1)).
func (t *Throttle) probability(time.Time) float64 {
	return max(0, (float64(t.requests)-t.cfg.K*float64(t.accepts))/float64(t.requests+1))
}
