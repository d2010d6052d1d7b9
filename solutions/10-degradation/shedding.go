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

// criticalityKey is the context key of a request's criticality. Its type
// is unexported, so no other package can read or overwrite the value by
// accident.
type criticalityKey struct{}

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
	return context.WithValue(ctx, criticalityKey{}, c)
}

// Lower returns a copy of ctx whose criticality is c if c is less critical
// than what ctx carries, and ctx's own otherwise: a hop may make the work
// it asks for on a request's behalf less critical, never more, or every
// request could make itself critical and nothing would be shed.
func Lower(ctx context.Context, c Criticality) context.Context {
	// (With c equal to ctx's, < would do as well: a copy that carries the
	// same criticality.)
	if c <= CriticalityOf(ctx) {
		return ctx
	}
	return WithCriticality(ctx, c)
}

// CriticalityOf returns the criticality ctx carries: Critical unless
// WithCriticality said otherwise.
func CriticalityOf(ctx context.Context) Criticality {
	c, ok := ctx.Value(criticalityKey{}).(Criticality)
	if !ok {
		return Critical
	}
	return c
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
	queue   []*waiter // critical first, then sheddable; each in order of arrival
	stats   AdmissionStats
}

// waiter is a request waiting for a slot.
type waiter struct {
	class Criticality
	// turn gets nil when the request is handed a slot, or ErrShed when it
	// is pushed out of the queue. It has room for that one message, so the
	// sender never waits.
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
	class := CriticalityOf(ctx)
	// In time: a context that ends MinTime before ctx's deadline, the last
	// instant at which the work can still be started.
	inTime := ctx
	// (MinTime ≥ 0 would do as well: with 0, a copy with ctx's own deadline.)
	if deadline, ok := ctx.Deadline(); ok && a.cfg.MinTime > 0 {
		var cancel context.CancelFunc
		inTime, cancel = context.WithDeadline(ctx, deadline.Add(-a.cfg.MinTime))
		defer cancel()
	}
	if err := gone(inTime); err != nil {
		a.expire(class)
		return notStarted(err)
	}
	w, err := a.enter(class)
	if err != nil {
		return err
	}
	if w != nil {
		if err := a.wait(inTime, w); err != nil {
			return err
		}
	}
	// The slot is ours. Whatever work does, even panic, it goes back.
	defer a.leave()
	if err := gone(inTime); err != nil {
		a.expire(class) // the slot came, but too late for the work to finish in time
		return notStarted(err)
	}
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
	// Full: shed the newcomer, unless it is critical and can push one out.
	if len(a.queue) >= a.cfg.Queue {
		last := a.lastSheddable()
		if class == Sheddable || last < 0 {
			a.class(class).Shed++
			return nil, ErrShed
		}
		pushed := a.queue[last]
		a.queue = slices.Delete(a.queue, last, last+1)
		a.stats.Sheddable.Shed++
		pushed.turn <- ErrShed
	}
	w := &waiter{class: class, turn: make(chan error, 1)}
	at := len(a.queue) // sheddable: last in line
	if class == Critical {
		at = a.firstSheddable() // critical: behind the critical ones, ahead of the rest
	}
	a.queue = slices.Insert(a.queue, at, w)
	a.changed()
	return w, nil
}

// firstSheddable returns the index of the first sheddable waiter, or the
// queue's length if there is none: where a critical newcomer goes.
func (a *Admission) firstSheddable() int {
	for i, w := range a.queue {
		if w.class == Sheddable {
			return i
		}
	}
	return len(a.queue)
}

// lastSheddable returns the index of the sheddable waiter that came last,
// or -1 if none waits.
func (a *Admission) lastSheddable() int {
	for i := len(a.queue) - 1; i >= 0; i-- {
		if a.queue[i].class == Sheddable {
			return i
		}
	}
	return -1
}

// wait waits for w's turn or for ctx to end, whichever comes first.
func (a *Admission) wait(ctx context.Context, w *waiter) error {
	select {
	case err := <-w.turn:
		return err // nil: the slot is ours; ErrShed: pushed out
	case <-ctx.Done():
	}
	if a.withdraw(w) {
		return notStarted(ctx.Err())
	}
	// Handed a slot (or ErrShed) at that same moment: take it, Do gives it back.
	return <-w.turn
}

// withdraw takes w out of the queue, and reports whether it was still in
// it: a waiter that has been handed a slot (or pushed out) is not.
func (a *Admission) withdraw(w *waiter) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	i := slices.Index(a.queue, w)
	if i < 0 {
		return false
	}
	a.queue = slices.Delete(a.queue, i, i+1)
	a.class(w.class).Expired++
	a.changed()
	return true
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

// expire counts a request that was never started because its context had
// ended.
func (a *Admission) expire(class Criticality) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.class(class).Expired++
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

// gone returns why nobody waits for ctx's request any more, or nil. At the
// very instant of its deadline, ctx.Err() may still be nil (the timer that
// cancels ctx has not run yet), but the caller has gone all the same.
func gone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok && !time.Now().Before(deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// notStarted is the error of a request whose context ended before its work
// could start.
func notStarted(err error) error {
	return fmt.Errorf("not started: nobody waits for the answer any more: %w", err)
}
