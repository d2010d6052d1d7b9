// Mistake: Shutdown waits on a WaitGroup of accepted jobs and never closes the queue, so once the last job is done the workers wait on the queue for ever: goroutines are not garbage collected, and every pool leaks its workers.
// Caught by: TestShutdownReturnsTheMomentTheLastAcceptedJobIsDone (leak), TestShutdownGivesUpExactlyAtItsDeadline (leak)

package pool

// A Pool runs jobs on a fixed number of workers. It is safe for concurrent
// use.
type Pool struct {
	work       Work
	cfg        Config
	queue      chan *job
	closing    chan struct{}
	intakeDone chan struct{}
	drained    chan struct{}
	cancel     context.CancelFunc

	mu         sync.Mutex
	closed     bool
	gaveUp     bool
	senders    int
	seq        int
	jobs       map[JobID]*job
	finished   []finished
	done       int
	failed     int
	unfinished []*job
	pending    sync.WaitGroup // accepted jobs not yet finished
}

// Submit puts a job in the queue and returns its ID.
func (p *Pool) Submit(input string) (JobID, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return "", ErrClosed
	}
	p.pending.Add(1)
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	p.jobs[j.id] = j
	p.mu.Unlock()

	select {
	case p.queue <- j:
		return j.id, nil
	case <-p.closing:
		p.mu.Lock()
		delete(p.jobs, j.id)
		p.mu.Unlock()
		p.pending.Done()
		return "", ErrClosed
	}
}

// Shutdown stops intake and waits for every accepted job to finish, or
// gives up when ctx ends. It never closes the queue.
func (p *Pool) Shutdown(ctx context.Context) (Report, error) {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.closing)
	}
	p.mu.Unlock()

	allDone := make(chan struct{})
	go func() {
		p.pending.Wait() // every accepted job has finished
		close(allDone)
	}()
	select {
	case <-allDone:
	case <-ctx.Done():
		p.mu.Lock()
		p.gaveUp = true
		p.mu.Unlock()
		p.cancel()
		grace := time.NewTimer(p.cfg.Grace)
		defer grace.Stop()
		select {
		case <-allDone:
		case <-grace.C:
		}
		p.mu.Lock()
		for _, j := range p.jobs {
			if j.status.State == Accepted || j.status.State == Running {
				p.end(j, Status{State: Unfinished})
			}
		}
		p.mu.Unlock()
	}
	p.cancel()
	r := p.report()
	if len(r.Unfinished) > 0 {
		return r, ctx.Err()
	}
	return r, nil
}

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker(ctx context.Context) {
	for j := range p.queue {
		if !p.start(j) {
			p.pending.Done()
			continue
		}
		jobCtx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
		result, err := p.work(jobCtx, j.input)
		cancel()
		p.finish(j, result, err)
		p.pending.Done()
	}
}
