// Mistake: the queue is a channel with a buffer far bigger than anyone will fill and Submit always accepts, so nobody is ever turned away: under overload the backlog, and every job's wait in it, grows without limit.
// Caught by: TestSubmitTurnsAJobAwayAtOnceWhenTheQueueIsFull, TestQueueFullErrorSaysToRetryWhenTheQueueHasCleared, TestTheQueueNeverHoldsMoreThanItsCapacity, TestAtTwiceTheCapacityTheQueueTurnsAwayExactlyTheExcess, TestAtTwiceTheCapacityNoJobWaitsLongerThanTheQueueTakesToDrain, TestLittlesLawHoldsForTheMeasuredQueue

package backpressure

// New starts cfg.Workers workers that run work for the jobs of the queue
// it returns.
func New(work Work, cfg Config) *Queue {
	if cfg.QueueSize < 1 {
		panic("backpressure: QueueSize must be at least 1")
	}
	cfg.Workers = max(cfg.Workers, 1)
	ctx, stop := context.WithCancel(context.Background())
	q := &Queue{
		work: work,
		cfg:  cfg,
		room: semaphore.NewWeighted(cfg.QueueSize),
		jobs: make(chan *record, 1<<16), // plenty
		ctx:  ctx,
		stop: stop,
		byID: make(map[JobID]*record),
	}
	for range cfg.Workers {
		q.wg.Go(q.worker)
	}
	return q
}

// Submit offers a job and answers at once: accepted, with the job's ID, or
// turned away with a *QueueFullError (errors.Is ErrQueueFull) that says
// when to retry. It never waits for room.
func (q *Queue) Submit(j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	// TryAcquire also fails while an earlier SubmitWait is waiting for
	// room, even if this job would fit: it does not jump the line.
	q.room.TryAcquire(cost) // take room if there is any; accept anyway
	return q.enqueue(j, cost)
}

// take moves a job out of the queue, and reports whether it should run:
// a job whose deadline has come has nobody waiting for it any more.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	q.stats.Waited += waited
	q.stats.MaxWait = max(q.stats.MaxWait, waited)
	expired := !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline)
	if expired {
		r.status = Status{State: Expired, Err: fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)}
		q.stats.Expired++
	} else {
		r.status.State = Running
	}
	q.mu.Unlock()
	// Give the room back only after Depth is lowered, so that the job it
	// lets in can never make Depth exceed QueueSize.
	return !expired
}
