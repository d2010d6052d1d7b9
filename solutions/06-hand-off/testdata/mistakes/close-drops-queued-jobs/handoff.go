// Mistake: Close tells the worker to stop through a quit channel, which the worker checks before it takes each job, so that Close is quick: the jobs still in the queue, accepted with an ID, are never done and stay "accepted" for ever.
// Caught by: TestCloseFinishesTheQueuedJobsThenStopsTheWorker

package handoff

// A Service accepts jobs, queues them and does them one at a time, in the
// order they came. It is safe for concurrent use.
type Service struct {
	work    Work
	cfg     Config
	queue   chan job
	quit    chan struct{} // closed by Close: stop
	stopped chan struct{} // closed by the worker when it exits

	mu     sync.Mutex // guards the fields below; never held while anyone waits
	closed bool
	last   int // the number of the last job accepted
	status map[JobID]Status
	done   []finished
}

// New returns a service with a queue that holds up to cfg.QueueSize
// waiting jobs and ONE worker, started at once. Call Close to stop it.
func New(work Work, cfg Config) *Service {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	s := &Service{
		work:    work,
		cfg:     cfg,
		queue:   make(chan job, cfg.QueueSize),
		stopped: make(chan struct{}),
		quit:    make(chan struct{}),
		status:  make(map[JobID]Status),
	}
	go s.run()
	return s
}

// Close stops taking jobs, lets the worker finish the jobs already in the
// queue, and returns once the worker has exited. Calling it again waits in
// the same way.
func (s *Service) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.quit)
	}
	s.mu.Unlock()
	<-s.stopped
}

// run is the worker: it takes jobs from the queue, oldest first, until the
// queue is closed and empty.
func (s *Service) run() {
	defer close(s.stopped)
	for {
		select {
		case <-s.quit: // asked to stop: stop now, before taking another job
			return
		default:
		}
		var j job
		select {
		case j = <-s.queue:
		case <-s.quit:
			return
		}
		s.set(j.id, Status{State: Running})
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		result, err := s.work(ctx, j.input)
		cancel()
		if err != nil {
			s.set(j.id, Status{State: Failed, Err: err})
			continue
		}
		s.set(j.id, Status{State: Done, Result: result})
	}
}
