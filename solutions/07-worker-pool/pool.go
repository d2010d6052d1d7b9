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

// Work does one job. It must return soon after ctx is done: that is how
// Shutdown stops the jobs it can no longer wait for. Nothing else can: a
// goroutine cannot be stopped from outside, so a Work that ignores ctx
// keeps its worker (and its goroutine) until it returns on its own.
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
	// deadline passed: queued ones were never started; running ones were
	// cancelled, and did not return a result within the grace.
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
	// sent the mail) before it noticed, or after the grace ran out. Submit
	// one again only if its work is idempotent (lesson 09). And the report
	// lives in this process's memory, which is about to end: write it
	// somewhere that outlives the process, or let a durable queue deliver
	// the unfinished jobs again.
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
	// Grace is how long Shutdown, once its ctx has ended and it has
	// cancelled the running jobs, still waits for their Work to return, so
	// that the report says how they really ended: a job whose Work returns
	// its result within the grace is done, not unfinished. Shutdown can
	// take its ctx's time plus Grace: both must fit in the time the process
	// is given to stop. 0 means DefaultGrace.
	Grace time.Duration
	// Retention is how long a finished job's status is kept, from the
	// moment it finished (done, failed or unfinished); then Status answers
	// ErrUnknownJob. It bounds a status's age, not how many are held
	// (about the rate of jobs times the retention). 0 means
	// DefaultRetention.
	Retention time.Duration
}

// DefaultTimeout is the Timeout of a Config that sets none.
const DefaultTimeout = time.Minute

// DefaultGrace is the Grace of a Config that sets none.
const DefaultGrace = time.Second

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

	// cancel ends the pool's lifetime: the context New hands to the
	// workers, the parent of every Work call's context. Shutdown calls it
	// when it gives up. The pool keeps the CancelFunc, not the context
	// ("do not store Contexts inside a struct type", says the context
	// package): the workers get the context as an argument.
	cancel context.CancelFunc

	mu         sync.Mutex // guards what follows; never held while anyone waits
	closed     bool       // Shutdown has begun
	gaveUp     bool       // Shutdown's ctx has ended: no queued job starts any more
	senders    int        // Submits that passed the closed check and may still send
	seq        int
	jobs       map[JobID]*job
	finished   []finished // in the order the jobs finished: see end and forget
	done       int        // how many jobs ended done, counted as they end
	failed     int        // how many ended failed
	unfinished []*job     // the jobs Shutdown gave up on
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

// Submit puts a job in the queue and returns its ID. While the queue is
// full, it waits for room; once Shutdown has begun, it returns ErrClosed at
// once, whether it was waiting or not.
//
// A call that can wait should take a context, so that its caller can stop
// waiting: this one has only Shutdown to end its wait, which is lesson
// 08's starting point (SubmitWait takes a ctx).
func (p *Pool) Submit(input string) (JobID, error) {
	p.mu.Lock()
	p.forget(time.Now())
	if p.closed {
		p.mu.Unlock()
		return "", ErrClosed
	}
	// Counted as a sender: Shutdown never closes a channel someone may send on.
	p.senders++
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	// Known before it is handed over: a worker may start and finish it
	// the moment it is in the queue, and Status must know it all along.
	p.jobs[j.id] = j
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
	if err != nil {
		delete(p.jobs, j.id) // refused: no worker ever saw it
	}
	p.closeQueueIfIdle()
	if err != nil {
		return "", err
	}
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
// If ctx ends first, Shutdown gives up: no queued job starts any more, the
// running ones are cancelled through their context and get cfg.Grace to
// return, and then Shutdown returns a Report naming every job that did not
// finish, with ctx.Err(). If every job did finish, it returns nil, whatever
// ctx says. The workers return as soon as their Work does.
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
	}
	p.giveUp()
	r := p.report()
	// The error says that something was left, not which case the select
	// took: when both are ready it picks one at random, and the workers of
	// an idle pool return only just after the queue is closed.
	if len(r.Unfinished) == 0 {
		return r, nil
	}
	return r, ctx.Err()
}

// giveUp is Shutdown's way out once its ctx has ended: from now on no
// queued job starts, the running ones are cancelled and get cfg.Grace to
// return, and every job that has not finished then is marked Unfinished.
// A job whose Work returns a result within the grace is done: the report
// says what happened, not what Shutdown feared.
func (p *Pool) giveUp() {
	p.mu.Lock()
	p.gaveUp = true
	p.mu.Unlock()
	p.cancel()

	grace := time.NewTimer(p.cfg.Grace)
	defer grace.Stop()
	select {
	case <-p.drained: // every Work has returned: the report is exact
	case <-grace.C: // a Work ignores its ctx: it is reported unfinished
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	for _, j := range p.jobs {
		if j.status.State == Accepted || j.status.State == Running {
			p.end(j, Status{State: Unfinished})
		}
	}
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
	left := slices.Clone(p.unfinished)
	slices.SortFunc(left, func(a, b *job) int { return a.seq - b.seq }) // the order they were accepted
	r := Report{Done: p.done, Failed: p.failed}
	for _, j := range left {
		r.Unfinished = append(r.Unfinished, j.id)
	}
	return r
}

// end records how j ended, counts it, and starts its retention. Call it
// with mu held, once per job.
func (p *Pool) end(j *job, st Status) {
	j.status = st
	switch st.State {
	case Done:
		p.done++
	case Failed:
		p.failed++
	case Unfinished:
		p.unfinished = append(p.unfinished, j)
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
// and empty. ctx is the pool's lifetime: Shutdown cancels it when it gives
// up.
func (p *Pool) worker(ctx context.Context) {
	for j := range p.queue {
		if !p.start(j) {
			// Shutdown has given up: nothing starts any more. (A break
			// would do the same: once start says no, it says no to every
			// later job, and Shutdown marks them all Unfinished.)
			continue
		}
		// Two deadlines bound the work: the job's own timeout, from now,
		// and Shutdown's, through ctx.
		jobCtx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
		result, err := p.work(jobCtx, j.input)
		cancel()
		p.finish(j, result, err)
	}
}

// start marks j running, unless Shutdown has given up.
func (p *Pool) start(j *job) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.gaveUp {
		return false
	}
	j.status.State = Running
	return true
}

// finish records how j ended. After Shutdown has given up, only a result
// counts: an error is taken for the cancellation (the job did not fail, we
// stopped it). And a job Shutdown has already reported unfinished stays
// so: a report, once given, stays true.
func (p *Pool) finish(j *job, result string, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case j.status.State != Running:
		// reported unfinished when the grace ran out
	case err == nil:
		p.end(j, Status{State: Done, Result: result})
	case p.gaveUp:
		p.end(j, Status{State: Unfinished})
	default:
		p.end(j, Status{State: Failed, Err: err})
	}
}
