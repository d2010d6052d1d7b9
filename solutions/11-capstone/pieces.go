package capstone

// The pieces of earlier lessons, given: read them, you need not change
// them. Each is a small copy of what its lesson built, so that this lesson
// stands on its own. The exercises compose them.

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// TimeoutHeader carries how long the receiver has, as a relative time in
// whole milliseconds ("1500"), the way gRPC's grpc-timeout does. A
// relative time survives the trip between two machines whose clocks
// disagree; an absolute one ("until 12:00:03.250") means something else to
// a clock that is two seconds ahead (lesson 02).
const TimeoutHeader = "Request-Timeout"

// FormatTimeout writes d for TimeoutHeader: whole milliseconds, rounded
// down, never negative.
func FormatTimeout(d time.Duration) string {
	return strconv.FormatInt(max(d, 0).Milliseconds(), 10)
}

// ParseTimeout reads a TimeoutHeader value: a whole number of
// milliseconds, from 1 to one day.
func ParseTimeout(s string) (time.Duration, error) {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms < 1 || ms > 24*60*60*1000 {
		return 0, fmt.Errorf("%s must be a whole number of milliseconds from 1 to 86400000, not %q", TimeoutHeader, s)
	}
	return time.Duration(ms) * time.Millisecond, nil
}

// A Bulkhead bounds how many calls are made to one dependency at once (a
// semaphore per dependency, lesson 03's limit): a slow dependency then
// holds at most that many calls, and the rest wait here, where their
// deadline still counts, rather than piling up inside it. With one
// dependency it is a concurrency limit; with several, one per dependency
// keeps a slow one from taking every worker (the name comes from a ship's
// watertight compartments). A slot is held for one attempt, never through
// a backoff.
type Bulkhead struct{ slots chan struct{} }

// NewBulkhead returns a bulkhead of n slots (n ≥ 1).
func NewBulkhead(n int) *Bulkhead { return &Bulkhead{slots: make(chan struct{}, max(n, 1))} }

// Acquire waits for a slot until ctx ends. A caller whose ctx has ended
// gets no slot, even a free one.
func (b *Bulkhead) Acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case b.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Release gives a slot back.
func (b *Bulkhead) Release() { <-b.slots }

// InUse is how many slots are taken.
func (b *Bulkhead) InUse() int { return len(b.slots) }

// ErrOpen is returned by Breaker.Call while the breaker is open: the call
// was not made.
var ErrOpen = errors.New("circuit breaker is open")

// ErrNotYet is wrapped by an error that says the dependency has the
// request and has not finished it (HTTP: 202 Accepted, or 409 while an
// earlier request with the same key is served): ask again later. The
// dependency answered on purpose, so the breaker counts it as an answer,
// not a failure.
var ErrNotYet = errors.New("not finished yet")

// ErrNotCalled is wrapped by an error that came before the call was made
// (writing down that it is about to be made, say): it says nothing about
// the dependency, and the breaker does not count it.
var ErrNotCalled = errors.New("the call was not made")

// A Breaker stops calls to a dependency that keeps failing (lesson 05,
// reduced): after Threshold failures in a row it opens and fails every
// call at once for Cooldown; then it lets one trial call through
// (half-open), and closes again if that succeeds (or the dependency
// answers "not yet", ErrNotYet). It counts calls, so a trial is one call. A call whose own caller gave up (ctx ended: an
// attempt's own timeout is a failure, the order's deadline is not), that
// the dependency refused as invalid (ErrRejected), or that was never made
// (ErrNotCalled) says nothing about the dependency's health and is not
// counted. It is safe for concurrent use.
type Breaker struct {
	threshold int
	cooldown  time.Duration

	mu        sync.Mutex
	failures  int
	openUntil time.Time
	trial     bool // a half-open trial call is under way
}

// NewBreaker returns a closed breaker.
func NewBreaker(threshold int, cooldown time.Duration) *Breaker {
	return &Breaker{threshold: max(threshold, 1), cooldown: cooldown}
}

// Call runs op unless the breaker is open, and counts how it went.
func (b *Breaker) Call(ctx context.Context, op func(context.Context) error) error {
	b.mu.Lock()
	now := time.Now()
	if b.failures >= b.threshold && (now.Before(b.openUntil) || b.trial) {
		b.mu.Unlock()
		return ErrOpen
	}
	trial := b.failures >= b.threshold
	b.trial = trial
	b.mu.Unlock()

	err := op(ctx)

	b.mu.Lock()
	defer b.mu.Unlock()
	if trial {
		b.trial = false
	}
	switch {
	case err == nil || errors.Is(err, ErrRejected) || errors.Is(err, ErrNotYet):
		b.failures = 0 // it answered
	case ctx.Err() != nil || errors.Is(err, ErrNotCalled):
		// The caller left, or nothing was called: not the dependency's fault.
	default:
		b.failures++
		if b.failures >= b.threshold {
			b.openUntil = time.Now().Add(b.cooldown)
		}
	}
	return err
}

// A Budget caps retries at a share of requests (lesson 04): every first
// attempt of new work adds one credit, every retry spends Every credits,
// and at most Max credits are kept. Within one turn of the work, under a
// full outage, the dependency then sees at most 1 + 1/Every times the
// traffic, instead of Attempts times. A later turn of the same work (an
// order requeued) earns no credit; what bounds later turns is how many may
// wait and how long each waits (the service's queue and its Requeue), not
// this budget. It starts empty, in every process. It is safe for
// concurrent use.
type Budget struct {
	every, max int

	mu      sync.Mutex
	credits int
}

// NewBudget returns an empty budget that allows one retry for every
// `every` requests, keeping at most max credits.
func NewBudget(every, max int) *Budget { return &Budget{every: every, max: max} }

// Request counts a first attempt.
func (b *Budget) Request() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.credits = min(b.credits+1, b.max)
}

// Retry spends the credits for one retry, and reports whether there were
// enough.
func (b *Budget) Retry() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.credits < b.every {
		return false
	}
	b.credits -= b.every
	return true
}

// ErrRejected is wrapped by an error that the dependency answered on
// purpose (a 4xx other than 429): asking again gets the same answer, so it
// is never retried.
var ErrRejected = errors.New("rejected by the dependency")

// ErrNoTime is wrapped by Retry's error when the next attempt could not
// start before the deadline: sleeping first would be waiting for nothing.
var ErrNoTime = errors.New("no time left for another attempt")

// RetryPolicy says how Retry retries (lesson 04).
type RetryPolicy struct {
	Attempts int           // at most this many attempts, the first included
	Base     time.Duration // the backoff before retry n is drawn from [0, min(Cap, Base·2ⁿ⁻¹))
	Cap      time.Duration
	Rand     func() float64 // in [0, 1): full jitter; tests give a fixed one
	Budget   *Budget        // nil: no budget, every failure is retried (do not do this)
	Resumed  bool           // a later turn of work tried before: its first attempt earns the budget no credit
}

// Retry runs op until it succeeds, fails with an error wrapping
// ErrRejected or ErrOpen (the breaker says the dependency is down: asking
// again now only adds load), runs out of attempts or budget, or cannot
// start another attempt before ctx's deadline. Between attempts it sleeps a jittered
// backoff. It returns the last error.
func Retry(ctx context.Context, p RetryPolicy, op func(context.Context) error) error {
	if p.Budget != nil && !p.Resumed {
		p.Budget.Request()
	}
	var err error
	for n := 1; ; n++ {
		if err = op(ctx); err == nil || errors.Is(err, ErrRejected) || errors.Is(err, ErrOpen) || ctx.Err() != nil {
			return err
		}
		if n >= p.Attempts {
			return err
		}
		pause := time.Duration(p.Rand() * float64(min(p.Cap, p.Base<<(n-1))))
		if deadline, ok := ctx.Deadline(); ok && !time.Now().Add(pause).Before(deadline) {
			return fmt.Errorf("%w after %d attempts: %w", ErrNoTime, n, err)
		}
		if p.Budget != nil && !p.Budget.Retry() {
			return fmt.Errorf("retry budget spent after %d attempts: %w", n, err)
		}
		select {
		case <-time.After(pause):
		case <-ctx.Done():
			return err
		}
	}
}

// ErrInFlight is returned by Keys.Begin for a key whose first request has
// not been answered yet (HTTP: 409 Conflict).
var ErrInFlight = errors.New("a request with this idempotency key is still in flight")

// ErrKeyReused is returned by Keys.Begin for a key first used with another
// payload (HTTP: 422 Unprocessable Content).
var ErrKeyReused = errors.New("this idempotency key was used for another request")

// An Answer is an HTTP response kept for a replay.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Keys remembers idempotency keys in memory, and the answer given to each
// (lesson 09; the IETF Idempotency-Key draft): a repeat of a request that
// was answered gets the same answer again; a repeat while the first is in
// flight is refused; a key reused for another payload is refused. Answers
// are forgotten Hold after they were given, oldest first, so memory holds
// only the recent ones. It is the fast front of the keys the store keeps
// on disk with their orders (Store.Accept), which outlive a restart. It is
// safe for concurrent use.
type Keys struct {
	hold time.Duration

	mu       sync.Mutex
	keys     map[string]*keyEntry
	answered []*keyEntry // oldest answer first: forgotten from the front
}

type keyEntry struct {
	key         string
	fingerprint string
	answer      *Answer // nil while in flight
	expires     time.Time
}

// NewKeys returns an empty store that keeps answers for hold.
func NewKeys(hold time.Duration) *Keys { return &Keys{hold: hold, keys: map[string]*keyEntry{}} }

// Begin claims key for a request whose payload has the given fingerprint.
// It returns (nil, nil) when the key is new: the caller owns it and must
// Complete or Abandon it. It returns the kept answer for a repeat of an
// answered request, ErrKeyReused for another payload, and ErrInFlight while
// the first request is unanswered.
func (k *Keys) Begin(key, fingerprint string) (*Answer, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.forgetOld()
	e, ok := k.keys[key]
	switch {
	case !ok:
		k.keys[key] = &keyEntry{key: key, fingerprint: fingerprint}
		return nil, nil
	case e.answer == nil:
		// In flight: 409 whatever the payload, since the first request may
		// still be refused, and a 422 would tell a rightful retry to stop.
		return nil, ErrInFlight
	case e.fingerprint != fingerprint:
		return nil, ErrKeyReused
	default:
		return e.answer, nil
	}
}

// forgetOld drops the answers older than hold. Answers expire in the order
// they were given, so only the front of the list is looked at.
func (k *Keys) forgetOld() {
	now := time.Now()
	for len(k.answered) > 0 && !now.Before(k.answered[0].expires) {
		e := k.answered[0]
		k.answered[0] = nil
		k.answered = k.answered[1:]
		if k.keys[e.key] == e {
			delete(k.keys, e.key)
		}
	}
}

// Len is how many keys are kept in memory, in flight or answered.
func (k *Keys) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.keys)
}

// Complete keeps a as the answer to key's request.
func (k *Keys) Complete(key string, a Answer) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.keys[key]; ok && e.answer == nil {
		e.answer, e.expires = &a, time.Now().Add(k.hold)
		k.answered = append(k.answered, e)
	}
}

// Abandon forgets key: the request was not carried out (refused, or it
// failed before anything happened), so a retry with the same key is a new
// request.
func (k *Keys) Abandon(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.keys, key)
}

// A Queue holds the IDs of orders waiting for a worker (lessons 06–08).
// Its bound is kept by whoever reserves places: Reserve takes a place if
// fewer than a limit are taken (reserved or queued), Fill puts an ID into
// a reserved place, Unreserve gives one back. Push adds an ID without a
// reservation (orders found again at start). It is safe for concurrent use.
type Queue struct {
	mu       sync.Mutex
	ids      []string
	reserved int
	closed   bool
	wake     chan struct{} // closed and replaced whenever an ID comes or the queue closes
}

// NewQueue returns an empty, open queue.
func NewQueue() *Queue { return &Queue{wake: make(chan struct{})} }

// Reserve takes a place if fewer than limit places are taken.
func (q *Queue) Reserve(limit int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.reserved+len(q.ids) >= limit {
		return false
	}
	q.reserved++
	return true
}

// Unreserve gives back a place that Reserve took.
func (q *Queue) Unreserve() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.reserved--
}

// Fill puts id into a place that Reserve took.
func (q *Queue) Fill(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.reserved--
	q.add(id)
}

// Push adds id without a reservation.
func (q *Queue) Push(id string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.add(id)
}

func (q *Queue) add(id string) {
	q.ids = append(q.ids, id)
	close(q.wake)
	q.wake = make(chan struct{})
}

// Len is how many places are taken, reserved or queued.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.reserved + len(q.ids)
}

// Pop waits for the next ID, first in first out. It returns false when ctx
// ends (an ID left in the queue stays there), or when the queue is closed
// and empty.
func (q *Queue) Pop(ctx context.Context) (string, bool) {
	for {
		if ctx.Err() != nil {
			return "", false
		}
		q.mu.Lock()
		if len(q.ids) > 0 {
			id := q.ids[0]
			q.ids = q.ids[1:]
			q.mu.Unlock()
			return id, true
		}
		closed, wake := q.closed, q.wake
		q.mu.Unlock()
		if closed {
			return "", false
		}
		select {
		case <-wake:
		case <-ctx.Done():
			return "", false
		}
	}
}

// Close stops the queue: Pop hands out what is left, then returns false.
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.wake)
		q.wake = make(chan struct{})
	}
}

// Left returns the IDs still queued, and empties the queue.
func (q *Queue) Left() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := q.ids
	q.ids = nil
	return ids
}
