// Mistake: Shutdown waits on a WaitGroup of accepted jobs and never closes the queue, so once the last job is done the workers wait on the queue for ever: goroutines are not garbage collected, and every pool leaks its workers.
// Caught by: TestShutdownReturnsTheMomentTheLastAcceptedJobIsDone (leak), TestShutdownGivesUpExactlyAtItsDeadline (leak)

package pool

// A Pool runs jobs on a fixed number of workers. It is safe for concurrent
// use.
type Pool struct {
	work  Work
	cfg   Config
	queue chan *job // accepted jobs; closed once no Submit can send any more

	// closing is closed when Shutdown begins. A Submit waiting for room in
	// a full queue selects on it, so intake stops at once, with no lock held.
	closing    chan struct{}
	intakeDone chan struct{} // closed with queue: the accepted jobs are final
	drained    chan struct{} // closed when every worker has returned

	ctx    context.Context // every Work call gets it; cancelled by Shutdown
	cancel context.CancelFunc

	mu       sync.Mutex // guards what follows; never held while anyone waits
	closed   bool       // Shutdown has begun
	senders  int        // Submits that passed the closed check and may still send
	seq      int
	jobs     map[JobID]*job
	finished []finished
	tally    Report
	pending  sync.WaitGroup // accepted jobs not yet finished
}

// Submit puts a job in the queue and returns its ID. While the queue is
// full, it waits for room; once Shutdown has begun, it returns ErrClosed at
// once, whether it was waiting or not.
func (p *Pool) Submit(input string) (JobID, error) {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return "", ErrClosed
	}
	// Counted as a sender, this Submit keeps the queue open until it is
	// done with it: Shutdown never closes a channel someone may send on.
	p.pending.Add(1)
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	p.mu.Unlock()

	// Wait for room without the lock: a goroutine waiting for a mutex
	// would hold up Shutdown (and, inside a synctest bubble, is not durably
	// blocked, so the virtual clock would stop).
	var err error
	select {
	case p.queue <- j:
	case <-p.closing:
		err = ErrClosed
		p.pending.Done()
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		return "", err
	}
	p.jobs[j.id] = j
	return j.id, nil
}

// Shutdown stops intake (Submit returns ErrClosed from now on), lets the
// workers finish every accepted job, queued or running, and returns when
// the last one is done, with a Report and nil.
//
// If ctx ends first, Shutdown stops waiting: it cancels the context of the
// jobs still running, makes sure no queued job starts, and returns at once
// with a Report naming every job that did not finish, and ctx.Err(). The
// workers return as soon as their Work does.
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
		p.cancel() // nothing runs any more; release the context
		return p.report(), nil
	case <-ctx.Done():
		return p.abandon(), ctx.Err()
	}
}

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker() {
	for j := range p.queue {
		if !p.start(j) {
			p.pending.Done()
			continue // Shutdown gave up on it while it was queued
		}
		ctx, cancel := context.WithTimeout(p.ctx, p.cfg.Timeout)
		result, err := p.work(ctx, j.input)
		cancel()
		p.finish(j, result, err)
		p.pending.Done()
	}
}
