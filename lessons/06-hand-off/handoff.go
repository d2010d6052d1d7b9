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
)

// Work is the slow part: what used to run while the caller waited.
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
// Submit never handed out.
var ErrUnknownJob = errors.New("unknown job")

// ErrQueueFull is returned (wrapped) by Submit, at once, when the queue has
// no room left: the service refuses the job rather than make its caller wait.
var ErrQueueFull = errors.New("queue is full")

// ErrClosed is returned by Submit after Close.
var ErrClosed = errors.New("service is closed")

// A Service accepts jobs and does their work. It is safe for concurrent use.
type Service struct {
	work Work

	// TODO(1): a queue of jobs (a buffered channel with room for queueSize
	// of them) and ONE worker goroutine that takes jobs from it and does
	// their work.

	// TODO(3): whether the service is closed, and a way for Close to know
	// that the worker has exited.

	mu     sync.Mutex // guards the fields below; never hold it while anyone waits
	last   int        // the number of the last job
	status map[JobID]Status
}

// New returns a service with a queue that holds up to queueSize waiting
// jobs (the one the worker is doing is not in the queue) and ONE worker,
// started at once. Call Close to stop it.
func New(work Work, queueSize int) *Service {
	// TODO(1): make the queue, with room for queueSize jobs, and start the
	// worker here. This starter has neither: Submit does the work itself.
	return &Service{work: work, status: make(map[JobID]Status)}
}

// Submit hands input over to be worked on and returns at once with the
// job's ID: it never waits for the work. A full queue gives ErrQueueFull
// and a closed service ErrClosed, also at once.
func (s *Service) Submit(input string) (JobID, error) {
	s.mu.Lock()
	s.last++
	id := JobID(fmt.Sprintf("job-%d", s.last))
	s.mu.Unlock()

	// TODO(1): this starter is synchronous with asynchronous expectations:
	// it promises an ID "at once", then does the whole job right here, so
	// the caller waits for all of it. Put the job in the queue instead and
	// return. If the queue is full, return an error wrapping ErrQueueFull
	// at once: a send that cannot wait is a select with a default case.
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
	return s.status[id], nil
}

// Close stops taking jobs, lets the worker finish the jobs already in the
// queue, and returns once the worker has exited. Calling it again waits in
// the same way.
func (s *Service) Close() {
	// TODO(1): once New starts a worker, it must stop when the service
	// closes, or it waits for jobs for ever (and a test ends with "blocked
	// goroutines remain"). Close the queue: the worker's range loop ends.

	// TODO(3): no more jobs after Close; the jobs already in the queue are
	// still done, one at a time; then the worker exits, and Close returns
	// only once it has. The lock guards the status map and the counter:
	// take it for a few lines, never across a wait.
}
