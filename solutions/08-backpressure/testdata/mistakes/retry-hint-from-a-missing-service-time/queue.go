// Mistake: New accepts a Config without ServiceTime, so the hint every client turned away gets is Depth × 0 ÷ Workers, "retry after 0s": one field left out of the config turns backpressure into a tight retry loop, exactly when the queue is full.
// Caught by: TestNewRefusesAConfigWithoutAServiceTime

package backpressure

// New starts cfg.Workers workers that run work for the jobs of the queue
// it returns.
func New(work Work, cfg Config) *Queue {
	if cfg.QueueSize < 1 {
		panic("backpressure: QueueSize must be at least 1")
	}
	cfg.Workers = max(cfg.Workers, 1)
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Grace <= 0 {
		cfg.Grace = DefaultGrace
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	intake, closeIntake := context.WithCancel(context.Background())
	ctx, stop := context.WithCancel(context.Background())
	q := &Queue{
		work:        work,
		cfg:         cfg,
		room:        semaphore.NewWeighted(cfg.QueueSize),
		jobs:        make(chan *record, cfg.QueueSize),
		intake:      intake,
		closeIntake: closeIntake,
		stop:        stop,
		idle:        make(chan struct{}),
		byID:        make(map[JobID]*record),
	}
	var wg sync.WaitGroup
	for range cfg.Workers {
		wg.Go(func() { q.worker(ctx) })
	}
	go func() {
		wg.Wait()
		close(q.idle)
	}()
	return q
}

// drainTime is depth × ServiceTime ÷ Workers.
func (q *Queue) drainTime(depth int64) time.Duration {
	return time.Duration(depth) * q.cfg.ServiceTime / time.Duration(q.cfg.Workers)
}
