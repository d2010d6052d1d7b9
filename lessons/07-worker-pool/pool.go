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
	queue chan *job // accepted jobs, waiting for a worker

	// TODO(2): a way for Shutdown to tell a Submit that is waiting for room
	// in a full queue to give up, and a way to know when every worker has
	// returned.
	// TODO(3): a way to cancel the context the Work calls run under (keep
	// its CancelFunc here, and hand the context itself to the workers), and
	// a way for the workers to know that Shutdown has given up.

	mu         sync.Mutex // guards what follows; never hold it while waiting
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
	p := &Pool{
		work:  work,
		cfg:   cfg,
		queue: make(chan *job, cfg.QueueSize),
		jobs:  map[JobID]*job{},
	}
	// TODO(1): this starts one worker, whatever cfg.Workers says: every job
	// waits for all before it. Start cfg.Workers: that many at once, no more.
	//
	// TODO(3): context.Background() can never be cancelled, so Shutdown
	// cannot stop the jobs at its deadline. Make a context it can cancel.
	go p.worker(context.Background())
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
	// TODO(2): once Shutdown has begun, return ErrClosed at once, and make
	// a Submit that is waiting for room give up when Shutdown begins (and
	// take the job it refuses out of the map again). Never hold mu while
	// waiting, and never send on a channel that Shutdown may close: a send
	// on a closed channel panics.
	p.mu.Lock()
	p.forget(time.Now())
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	// Known before it is handed over: the moment it is in the queue, a
	// worker may start it, finish it, and start its retention, and Status
	// must know it all along.
	p.jobs[j.id] = j
	p.mu.Unlock()

	p.queue <- j // waits while the queue is full
	return j.id, nil
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
	// TODO(2): this closes the queue and returns at once. The workers do
	// finish the queued jobs, but nobody waits for them, and a Submit that
	// sends after the close panics. Stop intake without closing a channel
	// a Submit may still send on, then wait until every worker has
	// returned.
	// TODO(3): wait no longer than ctx. When it ends, give up: from then on
	// no queued job starts; cancel the running jobs, and wait up to
	// cfg.Grace for their Work to return (one that returns its result in
	// that time is done); then mark every job that did not finish
	// Unfinished, with end, so that the report names them and their
	// retention starts. Return ctx.Err() only if something was left
	// unfinished.
	close(p.queue)
	return p.report(), nil
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
// and empty. ctx is the parent of every job's context.
func (p *Pool) worker(ctx context.Context) {
	for j := range p.queue {
		p.start(j)
		// TODO(3): once Shutdown has given up, a job taken from the queue
		// must not start.
		jobCtx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
		result, err := p.work(jobCtx, j.input)
		cancel()
		p.finish(j, result, err)
	}
}

// start marks j running.
func (p *Pool) start(j *job) {
	p.mu.Lock()
	defer p.mu.Unlock()
	j.status.State = Running
}

// finish records how j ended.
func (p *Pool) finish(j *job, result string, err error) {
	// TODO(3): after Shutdown has given up, an error is the cancellation
	// (the job did not fail, Shutdown stopped it: it is unfinished); and a
	// job Shutdown has already reported unfinished stays so.
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.end(j, Status{State: Failed, Err: err})
		return
	}
	p.end(j, Status{State: Done, Result: result})
}
