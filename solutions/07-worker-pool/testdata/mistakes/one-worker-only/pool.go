// Mistake: New starts a single worker whatever workers says, so the pool is one lane with a queue in front of it: every job waits for all the jobs before it.
// Caught by: TestTenWorkersFinishAHundredOneSecondJobsInTenSeconds, TestJobsBeyondTheWorkersWaitInTheQueueForTheirTurn

package pool

// New starts a pool of workers that take jobs from a queue of queueSize.
// workers must be at least 1; a queueSize of 0 makes Submit wait for a free
// worker.
func New(work Work, workers, queueSize int) *Pool {
	if workers < 1 {
		panic("pool: workers must be at least 1")
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pool{
		work:       work,
		queue:      make(chan *job, queueSize),
		closing:    make(chan struct{}),
		intakeDone: make(chan struct{}),
		drained:    make(chan struct{}),
		ctx:        ctx,
		cancel:     cancel,
		jobs:       map[JobID]*job{},
	}
	var wg sync.WaitGroup
	wg.Go(p.worker) // one worker is enough: the queue holds the rest
	go func() {
		wg.Wait()
		close(p.drained)
	}()
	return p
}
