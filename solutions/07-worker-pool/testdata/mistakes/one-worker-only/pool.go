// Mistake: New starts a single worker whatever workers says, so the pool is one lane with a queue in front of it: every job waits for all the jobs before it.
// Caught by: TestTenWorkersFinishAHundredOneSecondJobsInTenSeconds, TestJobsBeyondTheWorkersWaitInTheQueueForTheirTurn

package pool

// New starts cfg.Workers workers that take jobs from a queue of
// cfg.QueueSize.
func New(work Work, cfg Config) *Pool {
	if cfg.Workers < 1 {
		panic("pool: Workers must be at least 1")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{
		work:       work,
		cfg:        cfg,
		queue:      make(chan *job, cfg.QueueSize),
		closing:    make(chan struct{}),
		intakeDone: make(chan struct{}),
		drained:    make(chan struct{}),
		cancel:     cancel,
		jobs:       map[JobID]*job{},
	}
	var wg sync.WaitGroup
	wg.Go(func() { p.worker(ctx) }) // one worker is enough: the queue holds the rest
	go func() {
		wg.Wait()
		close(p.drained)
	}()
	return p
}
