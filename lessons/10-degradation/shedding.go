package degradation

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Criticality says how much a request matters when there is not room for
// everyone. It travels with the request on its context, so every hop it
// reaches sheds it in the same order. The Google SRE book uses four
// classes (CRITICAL_PLUS, CRITICAL, SHEDDABLE_PLUS, SHEDDABLE); two are
// enough here.
type Criticality int

const (
	// Critical requests are the ones a person is waiting for. It is the
	// zero value: a request nobody marked is critical, as CRITICAL is the
	// SRE book's default for requests from production jobs.
	Critical Criticality = iota
	// Sheddable requests may be refused, to make room for critical ones.
	Sheddable
)

// String returns "critical" or "sheddable".
func (c Criticality) String() string {
	switch c {
	case Critical:
		return "critical"
	case Sheddable:
		return "sheddable"
	}
	return fmt.Sprintf("Criticality(%d)", int(c))
}

// WithCriticality returns a copy of ctx that carries c: the request made
// with it, and every request made on its behalf with a context derived from
// it, has criticality c. It sets c whatever ctx carried, so it belongs at
// the edge, where a request comes in: there c is decided from what the
// request is (a person waiting, a prefetch, a batch job), never from a
// field the client sent. A hop further in uses Lower.
//
// A context value lives in one process: to cross to another, criticality
// travels in the request's metadata (a header), and the server's
// middleware puts it back on the context, clamped at a trust boundary, as
// it does the deadline.
func WithCriticality(ctx context.Context, c Criticality) context.Context {
	// TODO(3): carry c on the context, under a key of a type of this
	// package's own, so that no other package's value is taken for it.
	return ctx
}

// Lower returns a copy of ctx whose criticality is c if c is less critical
// than what ctx carries, and ctx's own otherwise: a hop may make the work
// it asks for on a request's behalf less critical, never more, or every
// request could make itself critical and nothing would be shed.
func Lower(ctx context.Context, c Criticality) context.Context {
	// TODO(3): a hop may lower the criticality, never raise it.
	return WithCriticality(ctx, c)
}

// CriticalityOf returns the criticality ctx carries: Critical unless
// WithCriticality said otherwise.
func CriticalityOf(ctx context.Context) Criticality {
	// TODO(3): read it back; a context that carries none is Critical.
	return Critical
}

// ErrShed is the error of a request refused for lack of room: none was
// free when it came, or it was pushed out of the queue to make room for a
// more critical one, or it had too little time left to be worth starting.
// At an edge, over HTTP, it is a 503 Service Unavailable (the server is
// overloaded, the client did nothing wrong), which may carry a
// Retry-After. It is not to be retried within the request: at most the
// layer right above retries once elsewhere, within its budget. Inside the
// dashboard, a shed optional part is a Degradation, not a retry.
var ErrShed = errors.New("shed: the service is overloaded")

// AdmissionConfig sets the size of an Admission.
type AdmissionConfig struct {
	// Slots is how many requests may run at once. At least 1.
	Slots int
	// Queue is how many requests may wait for a slot. 0: none waits.
	Queue int
	// MinTime is what the work is expected to take, the calls it makes
	// included: a request must have more than that left before its
	// deadline for its work to be started. One with MinTime or less left
	// is not started, on arrival or when its slot comes, and one that
	// waits leaves the queue as soon as it has no more: its work would end
	// at or after its deadline, for a caller who has gone. 0: only a
	// request whose deadline has come is not started.
	MinTime time.Duration
	// OnQueue, if not nil, is told the queue's depth every time it
	// changes, in order. It is called with the Admission's lock held (that
	// is what keeps the order), so it must return quickly and must not call
	// the Admission. Lock order: the Admission's lock, then whatever
	// OnQueue takes (a Switch's, say); never the other way round.
	OnQueue func(depth int)
}

// ClassStats counts what became of the requests of one criticality.
type ClassStats struct {
	Started int // let through: their work ran
	Shed    int // refused with ErrShed, on arrival or pushed out of the queue
	Expired int // their context ended before they could start: never started
}

// AdmissionStats is what an Admission has counted so far.
type AdmissionStats struct {
	Running             int // slots taken now
	Queued              int // requests waiting for a slot now
	Critical, Sheddable ClassStats
}

// An Admission lets at most Slots requests run at once and at most Queue
// wait for a slot, and decides who waits, who goes first and who is turned
// away by their criticality. It is safe for concurrent use.
type Admission struct {
	cfg AdmissionConfig

	mu      sync.Mutex // guards what follows; never held while anyone waits
	running int
	queue   []*waiter // in order of arrival
	stats   AdmissionStats
}

// waiter is a request waiting for a slot.
type waiter struct {
	class Criticality
	// turn gets nil when the request is handed a slot (and ErrShed, once
	// exercise 3 is done, when it is pushed out of the queue). It has room
	// for that one message, so the sender never waits.
	turn chan error
}

// NewAdmission returns an Admission with every slot free. It panics if
// cfg.Slots < 1 or cfg.Queue < 0.
func NewAdmission(cfg AdmissionConfig) *Admission {
	if cfg.Slots < 1 || cfg.Queue < 0 {
		panic(fmt.Sprintf("degradation: an Admission needs Slots ≥ 1 and Queue ≥ 0, got %d and %d", cfg.Slots, cfg.Queue))
	}
	return &Admission{cfg: cfg}
}

// Do runs work(ctx) in a slot, once one is free, and returns its error. A
// request that finds every slot taken waits in the queue, ahead of every
// less critical one; when the queue is full, a critical request pushes out
// the sheddable one that came last, and otherwise the newcomer is refused:
// either way with ErrShed, at once.
//
// Nobody works for a request nobody waits for: if ctx is done when the
// request comes, or while it waits, or by the time its slot comes, Do
// returns at once, without running work, with an error wrapping ctx.Err().
// With MinTime, the same goes for a request with MinTime or less left
// before its deadline: its error wraps context.DeadlineExceeded.
func (a *Admission) Do(ctx context.Context, work func(context.Context) error) error {
	// TODO(4): this waits for its turn however long it takes, and then
	// runs work, even for a caller who left long ago; and the next hop does
	// the same. Do not start a request whose ctx is done (or whose deadline
	// is now: at that very instant ctx.Err() may still be nil) when it
	// comes, nor when its slot comes. Wait for the turn in a select with
	// ctx.Done(); when ctx ends first, take the request out of the queue,
	// unless its turn was sent at that same moment: then take the turn and
	// give the slot back. Count such requests in Expired. With
	// cfg.MinTime, a request with MinTime or less left before its deadline
	// could not finish in time: treat it as gone (a context that ends
	// MinTime before ctx's deadline says when).
	class := CriticalityOf(ctx)
	w, err := a.enter(class)
	if err != nil {
		return err
	}
	if w != nil {
		if err := <-w.turn; err != nil {
			return err
		}
	}
	// The slot is ours. Whatever work does, even panic, it goes back.
	defer a.leave()
	a.mu.Lock()
	a.class(class).Started++
	a.mu.Unlock()
	return work(ctx)
}

// enter takes a free slot (and returns a nil waiter), or a place in the
// queue, or refuses the request with ErrShed.
func (a *Admission) enter(class Criticality) (*waiter, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.running < a.cfg.Slots { // a free slot: then nobody is queued either
		a.running++
		return nil, nil
	}
	// TODO(3): this queue is first come, first served, and when it is full
	// it refuses whoever comes next: at twice the capacity, critical
	// requests are refused as often as sheddable ones. Put a critical
	// request behind the critical ones already waiting but ahead of every
	// sheddable one. When the queue is full, a critical newcomer pushes out
	// the sheddable request that came last (send it ErrShed, and count it
	// shed); only when none is waiting is the critical one refused.
	if len(a.queue) >= a.cfg.Queue {
		a.class(class).Shed++
		return nil, ErrShed
	}
	w := &waiter{class: class, turn: make(chan error, 1)}
	a.queue = append(a.queue, w)
	a.changed()
	return w, nil
}

// leave gives a slot back: to the first waiter, or to the pool.
func (a *Admission) leave() {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.queue) == 0 {
		a.running--
		return
	}
	next := a.queue[0]
	a.queue = slices.Delete(a.queue, 0, 1) // clears the slot it frees, so next is not kept alive
	next.turn <- nil                       // the slot passes to next: running stays as it is
	a.changed()
}

// class returns the counters of one criticality. Call it with mu held.
func (a *Admission) class(c Criticality) *ClassStats {
	if c == Critical {
		return &a.stats.Critical
	}
	return &a.stats.Sheddable
}

// changed tells OnQueue the queue's new depth. Call it with mu held.
func (a *Admission) changed() {
	if a.cfg.OnQueue != nil {
		a.cfg.OnQueue(len(a.queue))
	}
}

// Stats returns a snapshot of the counters.
func (a *Admission) Stats() AdmissionStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	st := a.stats
	st.Running, st.Queued = a.running, len(a.queue)
	return st
}
