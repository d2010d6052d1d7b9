// Mistake: an expired job gets its Expired status but is not counted in Stats, so accepted no longer equals done + failed + expired and the dropped work vanishes from every dashboard.
// Caught by: TestEveryAcceptedJobEndsDoneFailedOrExpired, TestAJobWhoseDeadlinePassedInTheQueueIsNotRun

// Package backpressure puts a bound on waiting. Jobs wait in a queue for a
// worker, as in lessons 06 and 07, but the queue has a size: when it is
// full, a client is told so at once, with a hint of when to come back,
// instead of being left waiting (or its job being left to age in a queue
// that only grows). Jobs take room by their cost, and a job whose client
// has stopped waiting is dropped instead of run.
package backpressure

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// Work is the slow part of a request: what a worker runs for a job. It
// should return when ctx is done.
type Work func(ctx context.Context, input string) (string, error)

// JobID names an accepted job.
type JobID string

// State is where a job is: Accepted → Running → Done or Failed, or
// Accepted → Expired.
type State int

const (
	// Accepted jobs are in the queue, waiting for a worker.
	Accepted State = iota
	// Running jobs are being worked on.
	Running
	// Done jobs have a result.
	Done
	// Failed jobs have an error from their work.
	Failed
	// Expired jobs were still in the queue at their deadline: nobody
	// waited for them any more, so they were never run.
	Expired
)

// String returns "accepted", "running", "done", "failed" or "expired".
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
	case Expired:
		return "expired"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is what is known about a job.
type Status struct {
	State  State
	Result string // when Done
	Err    error  // when Failed or Expired
}

// A Job is one piece of work offered to the queue.
type Job struct {
	Input string
	// Cost is how much room the job takes in the queue, in the units of
	// Config.QueueSize: roughly, how much work it is. 0 means 1.
	Cost int64
	// Deadline is when whoever waits for the result stops waiting. A job
	// still in the queue at its deadline is dropped as Expired; a job that
	// starts before it runs with it on its Work context. Zero means none.
	Deadline time.Time
}

// Config sets the shape of a Queue.
type Config struct {
	// Workers is how many jobs run at once. 0 means 1.
	Workers int
	// QueueSize is the room in the queue, in units of cost: with every job
	// costing 1, how many jobs may wait. It must be at least 1.
	QueueSize int64
	// ServiceTime is how long a worker usually takes for one unit of cost.
	// It is used only to suggest when a turned-away client should retry.
	ServiceTime time.Duration
}

var (
	// ErrQueueFull is matched (errors.Is) by the error of a Submit turned
	// away for lack of room. That error is a *QueueFullError.
	ErrQueueFull = errors.New("queue full")
	// ErrTooBig is returned, at once, for a job that costs more than the
	// whole queue: it would never fit, so waiting for room is pointless.
	ErrTooBig = errors.New("job costs more than the whole queue")
	// ErrClosed is returned by Submit and SubmitWait once Shutdown has begun.
	ErrClosed = errors.New("queue closed")
	// ErrUnknownJob is matched by the error of Status for an ID it never gave.
	ErrUnknownJob = errors.New("unknown job")
)

// QueueFullError is the error of a Submit turned away because the queue
// had no room for the job. It matches ErrQueueFull.
type QueueFullError struct {
	Cost  int64 // the room the job needed
	Depth int64 // the room taken by queued jobs when it was turned away
	Size  int64 // Config.QueueSize
	// RetryAfter = Depth × ServiceTime ÷ Workers: how long the workers
	// need to clear what is queued now. A client that comes back after it
	// finds the jobs that were ahead of it gone. (Over HTTP: a 429 with a
	// Retry-After header, rounded up to whole seconds.)
	RetryAfter time.Duration
}

func (e *QueueFullError) Error() string {
	return fmt.Sprintf("queue full: %d of %d taken, the job needs %d; retry after %v", e.Depth, e.Size, e.Cost, e.RetryAfter)
}

// Unwrap makes errors.Is(err, ErrQueueFull) true.
func (e *QueueFullError) Unwrap() error { return ErrQueueFull }

// Stats is what a Queue has counted so far. Every accepted job ends as
// exactly one of Done, Failed or Expired.
type Stats struct {
	Accepted int // jobs let into the queue
	Rejected int // offers turned away: Submit found no room, or SubmitWait's ctx ended first
	Done     int
	Failed   int
	Expired  int

	Depth     int64 // room taken by queued jobs now, in units of cost
	PeakDepth int64 // the most room ever taken at once

	// Waited is the total time jobs spent in the queue, from accepted to
	// taken by a worker (to run or to expire); MaxWait is the longest.
	Waited  time.Duration
	MaxWait time.Duration
}

// A Queue runs jobs on a fixed number of workers, and lets only as much
// work wait for them as it has room for. It is safe for concurrent use.
type Queue struct {
	work Work
	cfg  Config

	// room is the queue's capacity. A job holds its cost from the moment
	// it is admitted until a worker takes it off the queue. The semaphore
	// is FIFO: once a job waits for room, later jobs wait behind it, so a
	// big job is not starved by a stream of small ones.
	room *semaphore.Weighted
	// jobs holds the admitted jobs in order. A send never blocks: room
	// admits at most QueueSize units, every job costs at least one, and a
	// job gives its room back only after it has left the channel.
	jobs chan *record

	ctx  context.Context // the work's; cancelled when Shutdown gives up
	stop context.CancelFunc
	wg   sync.WaitGroup

	mu     sync.Mutex // guards what follows; never held while anyone waits
	closed bool
	next   int
	byID   map[JobID]*record
	stats  Stats
}

// record is one accepted job and what became of it.
type record struct {
	id       JobID
	job      Job
	cost     int64
	queuedAt time.Time
	status   Status
}

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
		jobs: make(chan *record, cfg.QueueSize),
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
	if !q.room.TryAcquire(cost) {
		return "", q.turnAway(cost)
	}
	return q.enqueue(j, cost)
}

// SubmitWait offers a job and waits for room in the queue, in line with
// other waiters, until ctx is done; then it gives up at once with an error
// wrapping ctx.Err(), and the job is not queued.
func (q *Queue) SubmitWait(ctx context.Context, j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	if err := q.room.Acquire(ctx, cost); err != nil {
		// A failed Acquire leaves the semaphore as it was: there is
		// nothing to give back.
		q.mu.Lock()
		q.stats.Rejected++
		q.mu.Unlock()
		return "", fmt.Errorf("gave up waiting for room in the queue: %w", err)
	}
	return q.enqueue(j, cost)
}

func (q *Queue) cost(j Job) (int64, error) {
	cost := max(j.Cost, 1)
	if cost > q.cfg.QueueSize {
		return 0, fmt.Errorf("%w: it costs %d, the queue holds %d", ErrTooBig, cost, q.cfg.QueueSize)
	}
	return cost, nil
}

// turnAway counts a rejection and says when to come back.
func (q *Queue) turnAway(cost int64) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrClosed
	}
	q.stats.Rejected++
	return &QueueFullError{
		Cost:       cost,
		Depth:      q.stats.Depth,
		Size:       q.cfg.QueueSize,
		RetryAfter: time.Duration(q.stats.Depth) * q.cfg.ServiceTime / time.Duration(q.cfg.Workers),
	}
}

// enqueue queues a job that already holds its room.
func (q *Queue) enqueue(j Job, cost int64) (JobID, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		q.room.Release(cost)
		return "", ErrClosed
	}
	q.next++
	r := &record{
		id:       JobID(fmt.Sprintf("job-%d", q.next)),
		job:      j,
		cost:     cost,
		queuedAt: time.Now(),
		status:   Status{State: Accepted},
	}
	q.byID[r.id] = r
	q.stats.Accepted++
	q.stats.Depth += cost
	q.stats.PeakDepth = max(q.stats.PeakDepth, q.stats.Depth)
	q.jobs <- r // never blocks, even under the lock: see jobs
	return r.id, nil
}

func (q *Queue) worker() {
	for r := range q.jobs {
		if q.take(r) {
			q.run(r)
		}
	}
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
	} else {
		r.status.State = Running
	}
	q.mu.Unlock()
	// Give the room back only after Depth is lowered, so that the job it
	// lets in can never make Depth exceed QueueSize.
	q.room.Release(r.cost)
	return !expired
}

func (q *Queue) run(r *record) {
	ctx := q.ctx
	if !r.job.Deadline.IsZero() {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, r.job.Deadline)
		defer cancel()
	}
	result, err := q.work(ctx, r.job.Input)

	q.mu.Lock()
	defer q.mu.Unlock()
	if err != nil {
		r.status = Status{State: Failed, Err: err}
		q.stats.Failed++
		return
	}
	r.status = Status{State: Done, Result: result}
	q.stats.Done++
}

// Status reports what became of a job. An ID that Submit never returned
// gets an error matching ErrUnknownJob.
func (q *Queue) Status(id JobID) (Status, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	r, ok := q.byID[id]
	if !ok {
		return Status{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	return r.status, nil
}

// Stats returns a snapshot of the counters.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.stats
}

// Shutdown stops intake (Submit and SubmitWait return ErrClosed), lets the
// workers finish every queued job, and waits for them. If ctx ends first,
// it cancels the work still running and returns at once with ctx's error;
// the workers then wind down on their own. Either way it returns the
// counters as they stand.
func (q *Queue) Shutdown(ctx context.Context) (Stats, error) {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.jobs) // safe: every send happens under mu, with closed false
	}
	q.mu.Unlock()

	idle := make(chan struct{})
	go func() {
		q.wg.Wait()
		close(idle)
	}()
	select {
	case <-idle:
		q.stop()
		return q.Stats(), nil
	case <-ctx.Done():
		q.stop()
		return q.Stats(), fmt.Errorf("shutdown gave up with work left: %w", ctx.Err())
	}
}
