// Mistake: the queue is a channel with a buffer far bigger than anyone will fill and Submit always accepts, so nobody is ever turned away: under overload the backlog, and every job's wait in it, grows without limit.
// Caught by: TestSubmitTurnsAJobAwayAtOnceWhenTheQueueIsFull, TestQueueFullErrorSaysHowLongTheQueuedWorkTakesToDrain, TestTheQueueNeverHoldsMoreThanItsCapacity, TestAtTwiceTheCapacityTheQueueTurnsAwayExactlyTheExcess, TestAtTwiceTheCapacityNoJobWaitsLongerThanTheQueueTakesToDrain, TestLittlesLawHoldsForTheMeasuredQueue

package backpressure

// New starts cfg.Workers workers that run work for the jobs of the queue
// it returns.
func New(work Work, cfg Config) *Queue {
	if cfg.QueueSize < 1 {
		panic("backpressure: QueueSize must be at least 1")
	}
	if cfg.ServiceTime <= 0 {
		panic("backpressure: ServiceTime must be set: the retry hint is made from it")
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
		jobs:        make(chan *record, 1<<16), // plenty
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

// Submit offers a job and answers at once: accepted, with the job's ID.
func (q *Queue) Submit(j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	q.room.TryAcquire(cost) // take room if there is any; accept anyway
	return q.enqueue(j, cost)
}

// take moves a job out of the queue, and reports whether it should run.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	defer q.mu.Unlock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	q.stats.Waited += waited
	q.stats.MaxWait = max(q.stats.MaxWait, waited)
	switch {
	case q.gaveUp:
	case !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline):
		q.end(r, Status{State: Expired, Err: fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)})
	default:
		r.status.State = Running
		run = true
	}
	return run
}
