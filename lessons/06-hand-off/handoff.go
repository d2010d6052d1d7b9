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

// A Service accepts jobs and does their work. It is safe for concurrent use.
//
// What it accepts lives in memory only: if the process stops, the queued
// jobs and every status are gone. And the IDs are numbers in sequence, so
// anyone can guess the next one and read a job that is not theirs; after a
// restart the count starts again at job-1, and a client still asking about
// the old job-7 is told about someone else's.
type Service struct {
	work Work
	cfg  Config

	// TODO(1): a queue of jobs (a buffered channel with room for
	// cfg.QueueSize of them) and ONE worker goroutine that takes jobs from
	// it and does their work.

	// TODO(3): whether the service is closed, and a way for Close to know
	// that the worker has exited.

	mu     sync.Mutex // guards the fields below; never hold it while anyone waits
	last   int        // the number of the last job
	status map[JobID]Status

	// TODO(4): when each finished job finished, in the order they did, so
	// that Submit and Status can forget the ones past their retention.
}

// New returns a service with a queue that holds up to cfg.QueueSize
// waiting jobs and ONE worker, started at once. Call Close to stop it.
func New(work Work, cfg Config) *Service {
	// TODO(4): a zero Timeout or Retention means the default.

	// TODO(1): make the queue, with room for cfg.QueueSize jobs, and start
	// the worker here. This starter has neither: Submit does the work
	// itself.
	return &Service{work: work, cfg: cfg, status: make(map[JobID]Status)}
}

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	// TODO(4): forget the statuses past their retention first, so that
	// memory does not grow with every job ever submitted.
	s.mu.Lock()
	s.last++
	id := JobID(fmt.Sprintf("job-%d", s.last))
	s.mu.Unlock()

	// TODO(1): this starter is synchronous with asynchronous expectations:
	// it promises an ID "at once", then does the whole job right here, so
	// the caller waits for all of it. Put the job in the queue instead and
	// return. If the queue is full, return an error wrapping ErrQueueFull
	// at once: a send that cannot wait is a select with a default case.
	//
	// TODO(4): the worker gives each job's work cfg.Timeout, from the
	// moment it starts.
	result, err := s.work(context.Background(), input)

	// TODO(2): the job is Accepted while it waits in the queue.
	s.mu.Lock()
	if err != nil {
		s.status[id] = Status{State: Failed, Err: err}
	} else {
		s.status[id] = Status{State: Done, Result: result}
	}
	s.mu.Unlock()

	// TODO(3): after Close, return ErrClosed (and never send on a closed
	// channel: that panics).
	return id, nil
}

// Status returns what is known about the job now, or an error wrapping
// ErrUnknownJob.
func (s *Service) Status(id JobID) (Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// TODO(2): the worker moves a job from Accepted to Running when it
	// takes it, then to Done (with the result) or Failed (with the error).
	// An ID that Submit never handed out gets an error wrapping
	// ErrUnknownJob that names the ID, not an empty Status.
	//
	// TODO(4): a job that finished cfg.Retention ago or more is forgotten:
	// ErrUnknownJob, from that very instant.
	return s.status[id], nil
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
	// TODO(1): once New starts a worker, it must stop when the service
	// closes, or it waits for jobs for ever (and a test ends with "blocked
	// goroutines remain"). Close the queue: the worker's range loop ends.

	// TODO(3): no more jobs after Close; the jobs already in the queue are
	// still done, one at a time; then the worker exits, and Close returns
	// only once it has. A second Close must not close the queue again
	// (that panics). The lock guards the status map and the counter: take
	// it for a few lines, never across a wait.
}
