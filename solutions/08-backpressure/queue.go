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
	"slices"
	"sync"
	"time"

	"golang.org/x/sync/semaphore"
)

// Work is the slow part of a request: what a worker runs for a job. It
// must return soon after ctx is done: nothing else can stop it (a
// goroutine cannot be stopped from outside), so a Work that ignores ctx
// holds its worker, and every job queued behind it, until it returns.
type Work func(ctx context.Context, input string) (string, error)

// JobID names an accepted job.
type JobID string

// State is where a job is: Accepted → Running → Done or Failed; Accepted →
// Expired; or Unfinished, when Shutdown gave up on it.
type State int

const (
	// Accepted jobs are in the queue, waiting for a worker.
	Accepted State = iota + 1 // the zero State is no state at all
	// Running jobs are being worked on.
	Running
	// Done jobs have a result.
	Done
	// Failed jobs have an error from their work.
	Failed
	// Expired jobs were still in the queue at their deadline: nobody
	// waited for them any more, so they were never run.
	Expired
	// Unfinished jobs were accepted but given up on when Shutdown's
	// deadline passed: queued ones were never started; running ones were
	// cancelled, did not return a result within the grace, and may have
	// done part of their work.
	Unfinished
)

// String returns "accepted", "running", "done", "failed", "expired" or
// "unfinished".
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
	case Unfinished:
		return "unfinished"
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
	// Config.QueueSize: roughly, how much work it is. 0 means 1. The server
	// computes it from the request (a year of data costs more than a day);
	// a cost a client could set itself would let one client take the queue.
	Cost int64
	// Deadline is when whoever waits for the result stops waiting. A job
	// still in the queue at its deadline is dropped as Expired; a job that
	// starts before it runs with it on its Work context. Zero means none
	// (the Config's Timeout still bounds the work).
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
	// It is used only to suggest when a turned-away client should retry,
	// and it must be set: without it, every hint would say "retry at once".
	// It is a guess made when the queue is set up: when the work slows
	// down, the hint stays short. A queue that measured it (a moving
	// average of the work's real time) would give hints that follow.
	ServiceTime time.Duration
	// Timeout bounds each job's work, from the moment a worker starts it
	// (a job's Deadline, if sooner, bounds it too). 0 means DefaultTimeout.
	// It is also what bounds the time in the queue when the work slows
	// down: a job can wait for every job ahead of it to take this long.
	Timeout time.Duration
	// Grace is how long Shutdown, once its ctx has ended and it has
	// cancelled the running jobs, still waits for their Work to return, so
	// that the report says how they really ended. Shutdown can take its
	// ctx's time plus Grace: both must fit in the time the process is
	// given to stop. 0 means DefaultGrace.
	Grace time.Duration
	// Retention is how long a finished job's status is kept, from the
	// moment it finished (done, failed, expired or unfinished); then Status
	// answers ErrUnknownJob. It bounds a status's age, not how many are held
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

var (
	// ErrQueueFull is matched (errors.Is) by the error of a Submit turned
	// away for lack of room. That error is a *QueueFullError.
	ErrQueueFull = errors.New("queue full")
	// ErrTooBig is returned, at once, for a job that costs more than the
	// whole queue: it would never fit, so waiting for room is pointless.
	ErrTooBig = errors.New("job costs more than the whole queue")
	// ErrClosed is returned by Submit and SubmitWait once Shutdown has
	// begun, at once, even to a SubmitWait that was waiting for room. Over
	// HTTP it is 503 Service Unavailable too, with "Connection: close", so
	// that the client's retry opens a connection to another instance: this
	// one is going away.
	ErrClosed = errors.New("queue closed")
	// ErrUnknownJob is matched by the error of Status for an ID it never
	// gave, or whose job finished longer ago than the retention.
	ErrUnknownJob = errors.New("unknown job")
)

// QueueFullError is the error of a Submit turned away because the queue
// had no room for the job. It matches ErrQueueFull.
//
// Over HTTP this queue answers 503 Service Unavailable with a Retry-After
// header (RFC 9110 §15.6.4 and §10.2.3, in whole seconds, rounded up): the
// server cannot take the work now, whoever asks. 429 Too Many Requests
// (RFC 6585 §4) says "you sent too many"; the RFC leaves it to the server
// what "you" and "too many" mean, and some servers do answer 429 for
// shared overload. The difference that matters is what each one sets off:
// a 503 is a server error, which load balancers count towards ejecting
// the instance, error budgets count against the service, and generic
// retry policies retry; a 429 is the client's, and is not.
type QueueFullError struct {
	Cost  int64 // the room the job needed
	Depth int64 // the room taken by queued jobs when it was turned away
	Size  int64 // Config.QueueSize
	// Wait = Depth × ServiceTime ÷ Workers (at least one unit's worth):
	// an estimate, from the configured ServiceTime, of when room may
	// exist again, the time the workers need to drain what is queued now.
	// It is not when the overload ends, and not a reservation: every
	// client turned away at this moment is told the same, and new offers
	// keep coming and take the room as it frees. Clients that all come back
	// after exactly Wait find the queue as full as they left it; they
	// should add jitter to it and charge the retry to their retry budget
	// (lesson 04). Depth can be below Size: a job waiting in SubmitWait
	// holds the line, and nobody gets past it.
	Wait time.Duration
}

func (e *QueueFullError) Error() string {
	return fmt.Sprintf("queue full: %d of %d taken, the job needs %d; retry after %v", e.Depth, e.Size, e.Cost, e.Wait)
}

// Unwrap makes errors.Is(err, ErrQueueFull) true.
func (e *QueueFullError) Unwrap() error { return ErrQueueFull }

// RetryAfter returns Wait, the server's hint of when to come back. A retry
// loop finds it with errors.As on interface{ RetryAfter() time.Duration },
// as lesson 04's does.
func (e *QueueFullError) RetryAfter() time.Duration { return e.Wait }

// Stats is what a Queue has counted so far. Every accepted job ends as
// exactly one of Done, Failed, Expired or Unfinished.
type Stats struct {
	Accepted int // jobs let into the queue
	// Rejected counts the offers turned away for lack of room: Submit
	// found none, or SubmitWait's ctx ended first. Offers refused because
	// Shutdown had begun, or too big for the queue, are not counted.
	Rejected   int
	Done       int
	Failed     int
	Expired    int
	Unfinished int

	Depth     int64 // room taken by queued jobs now, in units of cost
	PeakDepth int64 // the most room ever taken at once

	// Waited is the total time jobs spent in the queue, from accepted to
	// taken by a worker (to run, to expire, or to skip after Shutdown gave
	// up); MaxWait is the longest.
	Waited  time.Duration
	MaxWait time.Duration

	// Tracked is how many job statuses the queue holds now: the jobs not
	// finished yet, and the finished ones within their retention.
	Tracked int
}

// Report is what Shutdown returns: the counters, and the jobs it gave up on.
type Report struct {
	Stats Stats
	// Unfinished lists, in the order they were accepted, the jobs Shutdown
	// gave up on at its deadline. A running one was cancelled but may have
	// done its side effect: submit it again only if its work is idempotent
	// (lesson 09).
	Unfinished []JobID
}

// A Queue runs jobs on a fixed number of workers, and lets only as much
// work wait for them as it has room for. It is safe for concurrent use.
type Queue struct {
	work Work
	cfg  Config

	// room is the queue's capacity. A job holds its cost from the moment
	// it is admitted until a worker takes it off the queue. The semaphore
	// is FIFO: once a job waits for room, later jobs wait behind it, so a
	// big job is not starved by a stream of small ones. The price is
	// head-of-line blocking: while anyone waits in SubmitWait, every Submit
	// is turned away, even when its job would fit.
	room *semaphore.Weighted
	// jobs holds the admitted jobs in order. A send never blocks: room
	// admits at most QueueSize units, every job costs at least one, and a
	// job gives its room back only after it has left the channel.
	jobs chan *record

	// intake ends when Shutdown begins: a SubmitWait waiting for room
	// gives up then. It is kept in the struct, against the context
	// package's "do not store Contexts inside a struct type", on purpose:
	// context.AfterFunc, which ties it to every wait for room, needs the
	// Context itself, and it belongs to no request.
	intake      context.Context
	closeIntake context.CancelFunc
	// stop cancels the context New hands to the workers, the parent of
	// every job's work: Shutdown calls it when it gives up, or once every
	// worker has returned. Only the CancelFunc is kept here.
	stop context.CancelFunc
	idle chan struct{} // closed when every worker has returned

	mu         sync.Mutex // guards what follows; never held while anyone waits
	closed     bool
	gaveUp     bool // Shutdown's ctx has ended: no queued job starts any more
	next       int
	byID       map[JobID]*record
	stats      Stats
	finished   []finished // in the order the jobs finished: see end and forget
	unfinished []*record  // the jobs Shutdown gave up on
}

// record is one accepted job and what became of it.
type record struct {
	id       JobID
	n        int // the order it was accepted in
	job      Job
	cost     int64
	queuedAt time.Time
	status   Status
}

// finished is a job that has finished, and when.
type finished struct {
	id JobID
	at time.Time
}

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
		jobs:        make(chan *record, cfg.QueueSize),
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
// wrapping ctx.Err(), and the job is not queued. If Shutdown begins while
// it waits, it returns ErrClosed at once.
//
// A room that comes at the very moment ctx ends may still be granted: a
// nil from Acquire says the room is ours, not that ctx is alive. The
// caller is still here to take the ID, and the job's Deadline, not ctx,
// says how long the job is worth doing; what the contract needs checked
// after Acquire (that Shutdown has not begun) enqueue checks.
func (q *Queue) SubmitWait(ctx context.Context, j Job) (JobID, error) {
	cost, err := q.cost(j)
	if err != nil {
		return "", err
	}
	if q.room.TryAcquire(cost) { // room now, and nobody waiting before us
		return q.enqueue(j, cost)
	}
	wait, stop := q.roomWait(ctx)
	defer stop()
	if err := q.room.Acquire(wait, cost); err != nil {
		// A failed Acquire took nothing: there is nothing to give back.
		if errors.Is(context.Cause(wait), ErrClosed) {
			return "", ErrClosed
		}
		q.mu.Lock()
		q.stats.Rejected++
		q.mu.Unlock()
		return "", fmt.Errorf("gave up waiting for room in the queue: %w", err)
	}
	return q.enqueue(j, cost)
}

// roomWait returns the context to wait for room with: it ends when ctx
// ends or when Shutdown begins, whichever comes first, and then
// context.Cause(wait) is ErrClosed if Shutdown ended it. Call stop once the
// wait is over.
func (q *Queue) roomWait(ctx context.Context) (wait context.Context, stop func()) {
	wait, cancel := context.WithCancelCause(ctx)
	unhook := context.AfterFunc(q.intake, func() { cancel(ErrClosed) })
	return wait, func() {
		unhook()
		cancel(nil)
	}
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
		Cost:  cost,
		Depth: q.stats.Depth,
		Size:  q.cfg.QueueSize,
		Wait:  q.drainTime(q.stats.Depth),
	}
}

// drainTime is how long the workers take, at ServiceTime a unit, to drain
// depth units: the retry hint. It is never 0, since the queue has just
// turned a job away and "retry at once" would send its client into a
// tight loop. Depth can read 0 while the room is still held (for the
// instant between a worker taking a job and giving its room back): the
// hint then counts one unit. The division rounds up for the same reason.
func (q *Queue) drainTime(depth int64) time.Duration {
	work := time.Duration(max(depth, 1)) * q.cfg.ServiceTime
	workers := time.Duration(q.cfg.Workers)
	return (work + workers - 1) / workers
}

// enqueue queues a job that already holds its room.
func (q *Queue) enqueue(j Job, cost int64) (JobID, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		// No test can see this room go missing: once Shutdown has begun,
		// nobody is let in again. It is given back all the same, so that the
		// semaphore keeps counting what the queue holds.
		q.room.Release(cost)
		return "", ErrClosed
	}
	q.forget(time.Now())
	q.next++
	r := &record{
		id:       JobID(fmt.Sprintf("job-%d", q.next)),
		n:        q.next,
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

// worker runs the jobs of the queue until it is closed and empty. ctx is
// the queue's lifetime: Shutdown cancels it when it gives up.
func (q *Queue) worker(ctx context.Context) {
	for r := range q.jobs {
		if q.take(r) {
			q.run(ctx, r)
		}
	}
}

// take moves a job out of the queue, and reports whether it should run:
// not if nobody waits for it any more, because Shutdown has given up or
// because its deadline has come.
func (q *Queue) take(r *record) (run bool) {
	now := time.Now()
	q.mu.Lock()
	waited := now.Sub(r.queuedAt)
	q.stats.Depth -= r.cost
	q.stats.Waited += waited
	q.stats.MaxWait = max(q.stats.MaxWait, waited)
	switch {
	case q.gaveUp:
		// Shutdown has given up: nothing starts any more. Shutdown marks
		// the job Unfinished (it may have done so already).
	case !r.job.Deadline.IsZero() && !now.Before(r.job.Deadline):
		late := fmt.Errorf("%s waited %v in the queue, past its deadline: %w",
			r.id, waited, context.DeadlineExceeded)
		q.end(r, Status{State: Expired, Err: late})
	default:
		r.status.State = Running
		run = true
	}
	q.mu.Unlock()
	// Give the room back only after Depth is lowered, so that the job it
	// lets in can never make Depth exceed QueueSize.
	q.room.Release(r.cost)
	return run
}

// run does a job's work and records how it ended. After Shutdown has
// given up, only a result counts: an error is taken for the cancellation
// (the job did not fail, Shutdown stopped it). And a job Shutdown has
// already reported unfinished stays so: a report, once given, stays true.
func (q *Queue) run(ctx context.Context, r *record) {
	// Two deadlines bound the work: the Timeout from now, and the job's
	// own, whichever comes first; and Shutdown can cancel it through ctx.
	deadline := time.Now().Add(q.cfg.Timeout)
	if !r.job.Deadline.IsZero() && r.job.Deadline.Before(deadline) {
		deadline = r.job.Deadline
	}
	jobCtx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	result, err := q.work(jobCtx, r.job.Input)

	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case r.status.State != Running:
		// reported unfinished when the grace ran out
	case err == nil:
		q.end(r, Status{State: Done, Result: result})
	case q.gaveUp:
		q.end(r, Status{State: Unfinished})
	default:
		q.end(r, Status{State: Failed, Err: err})
	}
}

// end records how a job ended, counts it, and starts its retention. Call
// it with mu held, once per job.
func (q *Queue) end(r *record, st Status) {
	r.status = st
	switch st.State {
	case Done:
		q.stats.Done++
	case Failed:
		q.stats.Failed++
	case Expired:
		q.stats.Expired++
	case Unfinished:
		q.stats.Unfinished++
		q.unfinished = append(q.unfinished, r)
	}
	q.finished = append(q.finished, finished{id: r.id, at: time.Now()})
}

// forget drops the statuses of the jobs that finished Retention ago or
// more: they are at the front of finished. Call it with mu held.
func (q *Queue) forget(now time.Time) {
	for len(q.finished) > 0 && !now.Before(q.finished[0].at.Add(q.cfg.Retention)) {
		delete(q.byID, q.finished[0].id)
		q.finished = q.finished[1:]
	}
}

// Status reports what became of a job. An ID that Submit never returned,
// or whose job finished more than Retention ago, gets an error matching
// ErrUnknownJob.
func (q *Queue) Status(id JobID) (Status, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.forget(time.Now())
	r, ok := q.byID[id]
	if !ok {
		return Status{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	return r.status, nil
}

// Stats returns a snapshot of the counters. It forgets nothing itself.
func (q *Queue) Stats() Stats {
	q.mu.Lock()
	defer q.mu.Unlock()
	st := q.stats
	st.Tracked = len(q.byID)
	return st
}

// report is the counters and the jobs given up on, in the order they were
// accepted, now.
func (q *Queue) report() Report {
	q.mu.Lock()
	defer q.mu.Unlock()
	st := q.stats
	st.Tracked = len(q.byID)
	left := slices.Clone(q.unfinished)
	slices.SortFunc(left, func(a, b *record) int { return a.n - b.n })
	r := Report{Stats: st}
	for _, rec := range left {
		r.Unfinished = append(r.Unfinished, rec.id)
	}
	return r
}

// Shutdown stops intake at once (Submit and SubmitWait return ErrClosed,
// even a SubmitWait that was waiting for room), lets the workers finish
// every queued job, and returns when the last one is done, with a Report
// and nil.
//
// If ctx ends first, Shutdown gives up: no queued job starts any more, the
// running ones are cancelled and get cfg.Grace to return, and then
// Shutdown returns a Report naming every job that did not finish, with an
// error wrapping ctx.Err(). If every job did finish, it returns nil,
// whatever ctx says. The workers return as soon as their Work does.
func (q *Queue) Shutdown(ctx context.Context) (Report, error) {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		q.closeIntake() // every SubmitWait waiting for room gives up now
		close(q.jobs)   // safe: every send happens under mu, with closed false
	}
	q.mu.Unlock()

	select {
	case <-q.idle:
		q.stop() // nothing runs any more; release the context
		return q.report(), nil
	case <-ctx.Done():
	}
	q.giveUp()
	r := q.report()
	// The error says that something was left, not which case the select
	// took: when both are ready it picks one at random, and the workers of
	// an idle queue return only just after the channel is closed.
	if len(r.Unfinished) == 0 {
		return r, nil
	}
	return r, fmt.Errorf("shutdown gave up with work left: %w", ctx.Err())
}

// giveUp is Shutdown's way out once its ctx has ended: from now on no
// queued job starts, the running ones are cancelled and get cfg.Grace to
// return, and every job that has not finished then is marked Unfinished.
// A job whose Work returns a result within the grace is done: the report
// says what happened, not what Shutdown feared.
func (q *Queue) giveUp() {
	q.mu.Lock()
	q.gaveUp = true
	q.mu.Unlock()
	q.stop()

	grace := time.NewTimer(q.cfg.Grace)
	defer grace.Stop()
	select {
	case <-q.idle: // every Work has returned: the report is exact
	case <-grace.C: // a Work ignores its ctx: it is reported unfinished
	}

	q.mu.Lock()
	defer q.mu.Unlock()
	for _, r := range q.byID {
		if r.status.State == Accepted || r.status.State == Running {
			q.end(r, Status{State: Unfinished})
		}
	}
}
