// Mistake: at the deadline Shutdown cancels the work and returns the counts so far, without marking or naming the jobs that did not finish, so queued jobs later run with a cancelled context and fail, and accepted no longer equals done + failed + unfinished.
// Caught by: TestShutdownReportsTheJobsItGaveUpOnAndCancelsTheRunningOnes, TestEveryAcceptedJobEndsDoneFailedOrUnfinished

// Package pool runs submitted jobs on a fixed number of workers and shuts
// down gracefully: it stops taking jobs, lets the workers finish the ones it
// accepted, and, once the caller cannot wait any longer, cancels the rest
// and says which jobs did not finish. No accepted job is silently lost.
package pool

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// Work does one job. It should return soon after ctx is done: that is how
// Shutdown cancels the jobs it can no longer wait for.
type Work func(ctx context.Context, input string) (string, error)

// JobID names an accepted job.
type JobID string

// State is where a job is in its life: Accepted → Running → Done or Failed,
// or Unfinished if Shutdown gave up on it first.
type State int

const (
	// Accepted jobs wait in the queue for a free worker.
	Accepted State = iota + 1 // the zero State is no state at all
	// Running jobs are being done by a worker.
	Running
	// Done jobs finished with a result.
	Done
	// Failed jobs finished with an error.
	Failed
	// Unfinished jobs were accepted but given up on when Shutdown's
	// deadline passed: queued ones were never started, running ones were
	// cancelled.
	Unfinished
)

// String returns "accepted", "running", "done", "failed" or "unfinished".
func (s State) String() string {
	switch s {
	case Accepted:
		return "accepted"
	case Running:
		return "running"
	case Done:
		return "done"
	case Failed:
		return "failed"
	case Unfinished:
		return "unfinished"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is what is known about a job: its state, and its result or error
// once it has finished.
type Status struct {
	State  State
	Result string
	Err    error
}

// ErrUnknownJob is returned (wrapped, with the ID) by Status for an ID
// that Submit never handed out.
var ErrUnknownJob = errors.New("unknown job")

// ErrClosed is returned by Submit, at once, once Shutdown has begun.
var ErrClosed = errors.New("pool is shutting down")

// Report is Shutdown's account of every job the pool accepted.
type Report struct {
	Done   int // jobs that finished with a result
	Failed int // jobs that finished with an error
	// Unfinished lists, in the order they were accepted, the jobs that
	// Shutdown gave up on at its deadline. Empty when Shutdown returns nil.
	Unfinished []JobID
}

// A Pool runs jobs on a fixed number of workers. It is safe for concurrent
// use.
type Pool struct {
	work  Work
	queue chan *job // accepted jobs; closed once no Submit can send any more

	// closing is closed when Shutdown begins. A Submit waiting for room in
	// a full queue selects on it, so intake stops at once, with no lock held.
	closing    chan struct{}
	intakeDone chan struct{} // closed with queue: the accepted jobs are final
	drained    chan struct{} // closed when every worker has returned

	ctx    context.Context // every Work call gets it; cancelled by Shutdown
	cancel context.CancelFunc

	mu      sync.Mutex // guards what follows; never held while anyone waits
	closed  bool       // Shutdown has begun
	senders int        // Submits that passed the closed check and may still send
	seq     int
	jobs    map[JobID]*job
}

// job is one accepted job. Its status is guarded by the pool's mu.
type job struct {
	id     JobID
	seq    int
	input  string
	status Status
}

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
	for range workers {
		wg.Go(p.worker)
	}
	go func() {
		wg.Wait()
		close(p.drained)
	}()
	return p
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
	p.senders++
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
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.senders--
	p.closeQueueIfIdle()
	if err != nil {
		return "", err
	}
	p.jobs[j.id] = j
	return j.id, nil
}

// closeQueueIfIdle closes the queue once Shutdown has begun and the last
// sender has left, which lets the workers' range loops end after the last
// accepted job. Call it with mu held.
func (p *Pool) closeQueueIfIdle() {
	if p.closed && p.senders == 0 {
		close(p.queue)
		close(p.intakeDone)
	}
}

// Status returns what is known about job id, or ErrUnknownJob.
func (p *Pool) Status(id JobID) (Status, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	j, ok := p.jobs[id]
	if !ok {
		return Status{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	return j.status, nil
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
		p.closeQueueIfIdle()
	}
	p.mu.Unlock()
	// Submits still in their select leave at once now that closing is
	// closed; after that, the set of accepted jobs cannot change.
	<-p.intakeDone

	select {
	case <-p.drained:
		p.cancel() // nothing runs any more; release the context
		return p.report(), nil
	case <-ctx.Done():
		p.cancel() // the running jobs stop
		return p.report(), ctx.Err()
	}
}

// abandon gives up on every job that has not finished, and reports them:
// a queued job is never started (the worker that takes it skips it), and
// running ones are cancelled through their context.
func (p *Pool) abandon() Report {
	p.mu.Lock()
	for _, j := range p.jobs {
		if j.status.State == Accepted || j.status.State == Running {
			j.status = Status{State: Unfinished}
		}
	}
	p.mu.Unlock()
	p.cancel()
	return p.report()
}

// report counts the jobs by how they ended.
func (p *Pool) report() Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	var r Report
	var unfinished []*job
	for _, j := range p.jobs {
		switch j.status.State {
		case Done:
			r.Done++
		case Failed:
			r.Failed++
		case Unfinished:
			unfinished = append(unfinished, j)
		}
	}
	slices.SortFunc(unfinished, func(a, b *job) int { return a.seq - b.seq })
	for _, j := range unfinished {
		r.Unfinished = append(r.Unfinished, j.id)
	}
	return r
}

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker() {
	for j := range p.queue {
		if !p.start(j) {
			continue // Shutdown gave up on it while it was queued
		}
		result, err := p.work(p.ctx, j.input)
		p.finish(j, result, err)
	}
}

// start marks j running, unless Shutdown has already given up on it.
func (p *Pool) start(j *job) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if j.status.State != Accepted {
		return false
	}
	j.status.State = Running
	return true
}

// finish records how j ended, unless Shutdown has already reported it
// unfinished: a report, once given, stays true.
func (p *Pool) finish(j *job, result string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if j.status.State != Running {
		return
	}
	if err != nil {
		j.status = Status{State: Failed, Err: err}
		return
	}
	j.status = Status{State: Done, Result: result}
}
