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
	"time"
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
// that Submit never handed out, or whose job finished longer ago than the
// retention.
var ErrUnknownJob = errors.New("unknown job")

// ErrClosed is returned by Submit, at once, once Shutdown has begun.
var ErrClosed = errors.New("pool is shutting down")

// Report is Shutdown's account of every job the pool accepted.
type Report struct {
	Done   int // jobs that finished with a result
	Failed int // jobs that finished with an error
	// Unfinished lists, in the order they were accepted, the jobs that
	// Shutdown gave up on at its deadline. Empty when Shutdown returns nil.
	//
	// Unfinished is not "never happened": a running job's work was
	// cancelled, but it may have done its side effect (written the row,
	// sent the mail) before it noticed. Submit one again only if its work
	// is idempotent (lesson 09).
	Unfinished []JobID
}

// Config sets the shape of a Pool.
type Config struct {
	// Workers is how many jobs run at once. It must be at least 1.
	Workers int
	// QueueSize is how many accepted jobs may wait for a worker; 0 makes
	// Submit wait for a free worker.
	QueueSize int
	// Timeout bounds each job's work, from the moment a worker starts it.
	// 0 means DefaultTimeout.
	Timeout time.Duration
	// Retention is how long a finished job's status is kept, from the
	// moment it finished (done, failed or unfinished); then Status answers
	// ErrUnknownJob. 0 means DefaultRetention.
	Retention time.Duration
}

// DefaultTimeout is the Timeout of a Config that sets none.
const DefaultTimeout = time.Minute

// DefaultRetention is the Retention of a Config that sets none.
const DefaultRetention = 24 * time.Hour

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

	// ctx is the parent of every Work call's context; Shutdown cancels it
	// when it gives up. The context package asks us to pass a Context to
	// each call rather than keep one in a struct, and that is right for a
	// request's context. This one belongs to no request: it is the pool's
	// own lifetime, made by New and ended by Shutdown, for workers that New
	// starts and that outlive every call. So it lives with the pool.
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex // guards what follows; never held while anyone waits
	closed   bool       // Shutdown has begun
	senders  int        // Submits that passed the closed check and may still send
	seq      int
	jobs     map[JobID]*job
	finished []finished // in the order the jobs finished: see end and forget
	tally    Report     // how the jobs ended, counted as they end
}

// finished is a job that has finished, and when.
type finished struct {
	id JobID
	at time.Time
}

// job is one accepted job. Its status is guarded by the pool's mu.
type job struct {
	id     JobID
	seq    int
	input  string
	status Status
}

// New starts cfg.Workers workers that take jobs from a queue of
// cfg.QueueSize.
func New(work Work, cfg Config) *Pool {
	if cfg.Workers < 1 {
		panic("pool: Workers must be at least 1")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
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
		ctx:        ctx,
		cancel:     cancel,
		jobs:       map[JobID]*job{},
	}
	var wg sync.WaitGroup
	for range cfg.Workers {
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
	p.forget(time.Now())
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
	p.forget(time.Now())
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
		return p.abandon(), ctx.Err()
	}
}

// abandon gives up on every job that has not finished, and reports them:
// a queued job is never started (the worker that takes it skips it), and
// running ones are cancelled through their context.
func (p *Pool) abandon() Report {
	p.mu.Lock()
	var left []*job
	for _, j := range p.jobs {
		if j.status.State == Accepted || j.status.State == Running {
			left = append(left, j)
		}
	}
	slices.SortFunc(left, func(a, b *job) int { return a.seq - b.seq }) // the order they were accepted
	for _, j := range left {
		p.end(j, Status{State: Unfinished})
	}
	p.mu.Unlock()
	p.cancel()
	return p.report()
}

// Tracked returns how many job statuses the pool holds now: the jobs not
// finished yet, and the finished ones within their retention. It forgets
// nothing itself.
func (p *Pool) Tracked() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.jobs)
}

// report is how the jobs ended so far. It is counted as they end, not from
// the statuses, which are forgotten after their retention.
func (p *Pool) report() Report {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.tally
	r.Unfinished = slices.Clone(r.Unfinished)
	return r
}

// end records how j ended, counts it, and starts its retention. Call it
// with mu held, once per job.
func (p *Pool) end(j *job, st Status) {
	j.status = st
	switch st.State {
	case Done:
		p.tally.Done++
	case Failed:
		p.tally.Failed++
	case Unfinished:
		p.tally.Unfinished = append(p.tally.Unfinished, j.id)
	}
	p.finished = append(p.finished, finished{id: j.id, at: time.Now()})
}

// forget drops the statuses of the jobs that finished Retention ago or
// more: they are at the front of finished. Call it with mu held.
func (p *Pool) forget(now time.Time) {
	for len(p.finished) > 0 && !now.Before(p.finished[0].at.Add(p.cfg.Retention)) {
		delete(p.jobs, p.finished[0].id)
		p.finished = p.finished[1:]
	}
}

// worker does jobs from the queue, one at a time, until the queue is closed
// and empty.
func (p *Pool) worker() {
	for j := range p.queue {
		if !p.start(j) {
			continue // Shutdown gave up on it while it was queued
		}
		// Two deadlines bound the work: the job's own timeout, from now,
		// and Shutdown's, through p.ctx.
		ctx, cancel := context.WithTimeout(p.ctx, p.cfg.Timeout)
		result, err := p.work(ctx, j.input)
		cancel()
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
		p.end(j, Status{State: Failed, Err: err})
		return
	}
	p.end(j, Status{State: Done, Result: result})
}
