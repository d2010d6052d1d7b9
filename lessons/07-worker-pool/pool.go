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
	queue chan *job // accepted jobs, waiting for a worker

	// TODO(2): a way for Shutdown to tell a Submit that is waiting for room
	// in a full queue to give up, and a way to know when every worker has
	// returned.
	// TODO(3): a context for the Work calls that Shutdown can cancel.

	mu   sync.Mutex // guards what follows; never hold it while waiting
	seq  int
	jobs map[JobID]*job
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
	p := &Pool{
		work:  work,
		queue: make(chan *job, queueSize),
		jobs:  map[JobID]*job{},
	}
	// TODO(1): this starts one worker, whatever workers says, so every job
	// waits for all the jobs before it. Start workers of them: that many
	// jobs run at once, and never more.
	go p.worker()
	return p
}

// Submit puts a job in the queue and returns its ID. While the queue is
// full, it waits for room; once Shutdown has begun, it returns ErrClosed at
// once, whether it was waiting or not.
func (p *Pool) Submit(input string) (JobID, error) {
	// TODO(2): once Shutdown has begun, return ErrClosed at once, and make
	// a Submit that is waiting for room give up when Shutdown begins.
	// Never hold mu while waiting, and never send on a channel that
	// Shutdown may close: a send on a closed channel panics.
	p.mu.Lock()
	p.seq++
	j := &job{
		id:     JobID("job-" + strconv.Itoa(p.seq)),
		seq:    p.seq,
		input:  input,
		status: Status{State: Accepted},
	}
	p.mu.Unlock()

	p.queue <- j // waits while the queue is full

	p.mu.Lock()
	defer p.mu.Unlock()
	p.jobs[j.id] = j
	return j.id, nil
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
	// TODO(2): this closes the queue and returns at once. The workers do
	// finish the queued jobs, but nobody waits for them, and a Submit that
	// sends after the close panics. Stop intake without closing a channel
	// a Submit may still send on, then wait until every worker has
	// returned.
	// TODO(3): wait no longer than ctx. When it ends, cancel the running
	// jobs, make sure no queued job starts, mark every job that did not
	// finish Unfinished, and return them in the Report with ctx.Err().
	close(p.queue)
	return p.report(), nil
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
		p.start(j)
		// TODO(3): the jobs run with a context nobody can cancel, so
		// Shutdown cannot stop them at its deadline.
		result, err := p.work(context.Background(), j.input)
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
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		j.status = Status{State: Failed, Err: err}
		return
	}
	j.status = Status{State: Done, Result: result}
}
