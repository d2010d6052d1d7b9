package lab

import (
	"sync"
	"time"
)

// A job is an accepted order on its way to a worker.
type job struct {
	order    Order
	accepted time.Time
	deadline time.Time // when its caller stops waiting; zero: never
}

// A Queue holds accepted jobs, first in first out, for a pool of workers.
// With a limit it refuses a job when full, and refuses sheddable jobs
// earlier, once it is half full, so that room stays for critical ones.
// Without a limit (0) it never refuses: it grows as long as arrivals
// outpace the workers. It is safe for concurrent use.
type Queue struct {
	limit int

	mu      sync.Mutex
	nonzero sync.Cond // signalled when a job is added or the queue closes
	jobs    []job     // jobs[head:] are waiting, oldest first
	head    int
	working int
	closed  bool
}

// NewQueue returns an empty queue that holds at most limit jobs (0: no
// limit).
func NewQueue(limit int) *Queue {
	q := &Queue{limit: limit}
	q.nonzero.L = &q.mu
	return q
}

// Push adds j, or reports false when there is no room for its class.
func (q *Queue) Push(j job) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || !q.roomFor(j.order.Class, len(q.jobs)-q.head) {
		return false
	}
	q.jobs = append(q.jobs, j)
	q.nonzero.Signal()
	return true
}

// roomFor says whether a job of class c may join a queue of depth jobs.
func (q *Queue) roomFor(c Class, depth int) bool {
	switch {
	case q.limit == 0:
		return true
	case c == Sheddable:
		return depth < q.limit/2
	default:
		return depth < q.limit
	}
}

// Pop waits for the oldest job. It reports false once the queue is closed
// and empty. A worker that gets a job must call Done when it is finished.
func (q *Queue) Pop() (job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.head == len(q.jobs) && !q.closed {
		q.nonzero.Wait()
	}
	if q.head == len(q.jobs) {
		return job{}, false
	}
	j := q.jobs[q.head]
	q.jobs[q.head] = job{}
	q.head++
	if q.head == len(q.jobs) { // empty: start again at the front
		q.jobs, q.head = q.jobs[:0], 0
	} else if q.head >= 1024 && q.head*2 >= len(q.jobs) { // mostly gaps: move down
		n := copy(q.jobs, q.jobs[q.head:])
		clear(q.jobs[n:])
		q.jobs, q.head = q.jobs[:n], 0
	}
	q.working++
	return j, true
}

// Done says a worker finished the job it popped.
func (q *Queue) Done() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.working--
}

// Close stops intake. Workers still get the jobs already queued.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.closed = true
	q.nonzero.Broadcast()
}

// Look reports the queue: jobs waiting, the oldest one's acceptance, and
// every job held (waiting or being worked on).
func (q *Queue) Look() Look {
	q.mu.Lock()
	defer q.mu.Unlock()
	depth := len(q.jobs) - q.head
	look := Look{Depth: depth, InFlight: depth + q.working}
	if depth > 0 {
		look.Oldest = q.jobs[q.head].accepted
	}
	return look
}
