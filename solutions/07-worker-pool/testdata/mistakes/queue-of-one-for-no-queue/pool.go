// Mistake: New turns a QueueSize of 0 into 1 ("an unbuffered queue would deadlock"): a pool configured with no queue accepts a job to wait out of sight, instead of making Submit wait for a free worker.
// Caught by: TestWithNoQueueSubmitWaitsForAFreeWorker

package pool

// New starts cfg.Workers workers that take jobs from a queue of
// cfg.QueueSize.
func New(work Work, cfg Config) *Pool {
	if cfg.Workers < 1 {
		panic("pool: Workers must be at least 1")
	}
	if cfg.QueueSize < 1 {
		cfg.QueueSize = 1 // an unbuffered queue would block every Submit
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
	for range cfg.Workers {
		wg.Go(func() { p.worker(ctx) })
	}
	go func() {
		wg.Wait()
		close(p.drained)
	}()
	return p
}
