// Package handoff moves the waiting out of the caller's way. Submit puts a
// job in a queue and returns at once with the job's ID ("accepted"); one
// worker takes the jobs from the queue, one at a time, and does the slow
// work; Status tells anyone, later, how a job is doing.
//
// The work still takes as long as it did. What changes is who waits for
// it: not the caller any more, but the job, first in the queue and then in
// the worker.
package handoff

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Work is the slow part: what used to run while the caller waited. It must
// return soon after ctx is done (its Timeout has passed): that is the only
// way the service can stop it. A goroutine cannot be stopped from outside,
// so a Work that ignores ctx (a call with no deadline of its own, a loop
// that never looks) holds the one worker, and every job queued behind it,
// until it returns on its own.
type Work func(ctx context.Context, input string) (string, error)

// A JobID names one submitted job. It is what the caller takes away from
// Submit, instead of the result.
type JobID string

// State is where a job is: Accepted → Running → Done or Failed.
type State int

const (
	// Accepted: the job waits in the queue for the worker.
	Accepted State = iota + 1 // the zero State is no state at all
	// Running: the worker is doing the job's work.
	Running
	// Done: the work succeeded; the result is in Status.Result.
	Done
	// Failed: the work returned an error; it is in Status.Err.
	Failed
)

// String returns "accepted", "running", "done" or "failed".
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
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Status is what is known about a job now.
type Status struct {
	State  State
	Result string // what the work returned, once Done
	Err    error  // what the work failed with, once Failed
}

// ErrUnknownJob is returned (wrapped, with the ID) by Status for an ID that
// Submit never handed out, or whose job finished longer ago than the
// retention: the service has forgotten it.
var ErrUnknownJob = errors.New("unknown job")

// ErrQueueFull is returned (wrapped) by Submit, at once, when the queue has
// no room left: the service refuses the job rather than make its caller wait.
// Over HTTP this service answers 503 Service Unavailable: it cannot take the
// work now, whoever asks. (429 Too Many Requests says the client sent too
// many; lesson 08 weighs the two.)
var ErrQueueFull = errors.New("queue is full")

// ErrClosed is returned by Submit after Close.
var ErrClosed = errors.New("service is closed")

// Config sets the shape of a Service.
type Config struct {
	// QueueSize is how many jobs may wait for the worker (the one it is
	// doing is not in the queue).
	QueueSize int
	// Timeout bounds each job's work, from the moment the worker starts
	// it: a dependency that hangs holds the worker no longer than this, as
	// long as the Work returns when its ctx is done. 0 means
	// DefaultTimeout.
	Timeout time.Duration
	// Retention is how long a finished job's status is kept, from the
	// moment it finished; after that, Status answers ErrUnknownJob, and
	// the memory it took is freed. It bounds a status's age, not how many
	// are held: that grows with the rate of jobs times the retention.
	// 0 means DefaultRetention.
	Retention time.Duration
}

// DefaultTimeout is the Timeout of a Config that sets none.
const DefaultTimeout = time.Minute

// DefaultRetention is the Retention of a Config that sets none.
const DefaultRetention = 24 * time.Hour

// job is one piece of work waiting in the queue.
type job struct {
	id    JobID
	input string
}

// finished is a job that has finished, and when.
type finished struct {
	id JobID
	at time.Time
}

// A Service accepts jobs, queues them and does them one at a time, in the
// order they came. It is safe for concurrent use.
//
// What it accepts lives in memory only: if the process stops, the queued
// jobs and every status are gone. And the IDs are numbers in sequence, so
// anyone can guess the next one and read a job that is not theirs; after a
// restart the count starts again at job-1, and a client still asking about
// the old job-7 is told about someone else's.
type Service struct {
	work    Work
	cfg     Config
	queue   chan job      // closed by Close: no more jobs will come
	stopped chan struct{} // closed by the worker when it exits

	mu     sync.Mutex // guards the fields below; never held while anyone waits
	closed bool
	last   int // the number of the last job accepted
	status map[JobID]Status
	// done lists the finished jobs in the order they finished, which is
	// also the order their retention ends: forgetting starts at the front.
	done []finished
}

// New returns a service with a queue that holds up to cfg.QueueSize
// waiting jobs and ONE worker, started at once. Call Close to stop it.
func New(work Work, cfg Config) *Service {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	s := &Service{
		work:    work,
		cfg:     cfg,
		queue:   make(chan job, cfg.QueueSize),
		stopped: make(chan struct{}),
		status:  make(map[JobID]Status),
	}
	go s.run()
	return s
}

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.forget(time.Now())
	if s.closed {
		return "", ErrClosed // the queue is closed: sending on it would panic
	}
	id := JobID(fmt.Sprintf("job-%d", s.last+1))
	// Holding the lock across this send is safe only because the send
	// cannot wait: with the default case, a full queue is an answer, not a
	// wait. It is what keeps Close from closing the queue under our feet.
	select {
	case s.queue <- job{id: id, input: input}:
	default:
		return "", fmt.Errorf("%w: %d jobs are already waiting", ErrQueueFull, cap(s.queue))
	}
	s.last++ // any count that never repeats would do, even one going down
	// Written before the lock is released, so the worker, which needs the
	// lock to say "running", can never be overtaken by this "accepted".
	s.status[id] = Status{State: Accepted}
	return id, nil
}

// Status returns what is known about the job now, or an error wrapping
// ErrUnknownJob.
func (s *Service) Status(id JobID) (Status, error) {
	s.mu.Lock()
	s.forget(time.Now())
	st, ok := s.status[id]
	s.mu.Unlock()
	if !ok { // never handed out, or forgotten after its retention
		return Status{}, fmt.Errorf("%w: %q", ErrUnknownJob, id)
	}
	return st, nil
}

// Tracked returns how many job statuses the service holds now: the jobs not
// finished yet, and the finished ones within their retention. It is what
// the service's memory grows with. It forgets nothing itself.
func (s *Service) Tracked() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.status)
}

// Close stops taking jobs, lets the worker finish the jobs already in the
// queue, and returns once the worker has exited. Calling it again waits in
// the same way. It has no deadline: it waits as long as the queue takes,
// up to (QueueSize + 1) × Timeout, and longer for a Work that ignores its
// ctx. Lesson 07's Shutdown takes a context for that.
func (s *Service) Close() {
	s.mu.Lock()
	if !s.closed {
		s.closed = true
		close(s.queue) // the worker's range ends once the queue is empty
	}
	s.mu.Unlock()
	<-s.stopped
}

// run is the worker: it takes jobs from the queue, oldest first, until the
// queue is closed and empty.
func (s *Service) run() {
	defer close(s.stopped)
	for j := range s.queue {
		s.set(j.id, Status{State: Running})
		// The job has outlived the request that asked for it, so there is
		// no caller's context to honour; its own timeout starts now, when
		// its work does, not when it was queued.
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.Timeout)
		result, err := s.work(ctx, j.input)
		cancel()
		if err != nil {
			s.set(j.id, Status{State: Failed, Err: err})
			continue
		}
		s.set(j.id, Status{State: Done, Result: result})
	}
}

// set records a job's status, and when it finished if it has. The lock is
// held for the write only, never while the work runs.
func (s *Service) set(id JobID, st Status) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[id] = st
	if st.State == Done || st.State == Failed {
		s.done = append(s.done, finished{id: id, at: time.Now()})
	}
}

// forget drops the statuses of the jobs that finished Retention ago or
// more. They are at the front of done, so each call costs only what it
// forgets. Call it with mu held.
func (s *Service) forget(now time.Time) {
	for len(s.done) > 0 && !now.Before(s.done[0].at.Add(s.cfg.Retention)) {
		delete(s.status, s.done[0].id)
		s.done = s.done[1:]
	}
}
