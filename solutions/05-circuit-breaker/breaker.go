// Package breaker puts a circuit breaker in front of a dependency, so that
// callers stop waiting on one that is down: after too many failures in a row
// the breaker opens and calls fail at once, without being made; after a
// while it lets a few trial calls through to see whether the dependency is
// back.
package breaker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// State is where a breaker is in its cycle: Closed → Open → HalfOpen →
// Closed (or back to Open).
type State int

const (
	// Closed lets every call through and counts failures in a row.
	Closed State = iota
	// Open fails every call at once, without making it, until OpenTimeout
	// has passed.
	Open
	// HalfOpen lets up to HalfOpenMax trial calls through at a time and
	// fails the others at once. A trial that succeeds closes the breaker;
	// one that fails opens it again.
	HalfOpen
)

// String returns "closed", "open" or "half-open".
func (s State) String() string {
	switch s {
	case Closed:
		return "closed"
	case Open:
		return "open"
	case HalfOpen:
		return "half-open"
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// Defaults for the zero fields of Settings. They are sony/gobreaker's.
const (
	DefaultMaxFailures = 5
	DefaultOpenTimeout = 60 * time.Second
	DefaultHalfOpenMax = 1
)

// Settings configure a Breaker. Zero fields take the defaults above.
type Settings struct {
	// MaxFailures is how many failures in a row a closed breaker accepts:
	// it opens on the next one, after more than MaxFailures.
	MaxFailures int
	// OpenTimeout is how long the breaker stays open before it half-opens.
	OpenTimeout time.Duration
	// HalfOpenMax is how many trial calls a half-open breaker lets through
	// at once. A trial ends when op returns, or as a failed probe when its
	// caller leaves first; against a dependency that ignores its context,
	// an abandoned trial may still be running there.
	HalfOpenMax int
	// OnStateChange, if not nil, is called once for every change of state,
	// in the order they happen. It is called with the breaker's lock held
	// (that is what keeps the order), so it must return quickly and must
	// not call the Breaker.
	OnStateChange func(from, to State)
	// IsFailure, if not nil, says whether an error from op is the
	// dependency's failure. An error it excuses (a 400: the request was
	// wrong, not the dependency) counts neither as a failure nor as a
	// success: it leaves the count of failures in a row as it was, and a
	// trial that gets one gives its slot back without deciding anything.
	// Nil means every error counts. Whatever it says, an error returned
	// after the caller's own context ended is the caller's doing, not the
	// dependency's. It is called with the breaker's lock held: it must be
	// quick.
	IsFailure func(error) bool
}

// ErrOpen is returned, at once, by calls made while the breaker is open.
var ErrOpen = errors.New("circuit breaker is open")

// ErrTooManyRequests is returned, at once, by calls made while the breaker
// is half-open and all its trial calls are taken.
var ErrTooManyRequests = errors.New("circuit breaker is half-open: too many requests")

// A Breaker guards calls to one dependency. It is safe for concurrent use.
type Breaker struct {
	settings Settings

	mu         sync.Mutex
	state      State
	generation uint64    // changes with every change of state
	failures   int       // failures in a row, in this generation (Closed)
	trials     int       // trial calls holding a slot, in this generation (HalfOpen)
	openedAt   time.Time // when the breaker last opened
}

// A ticket is one call let through: the generation it belongs to, whether
// it holds one of the half-open trial slots, and whether its outcome is
// settled (counted, given back, or decided when its caller left), so that
// it is settled once. Its fields are guarded by Breaker.mu.
type ticket struct {
	gen     uint64
	trial   bool
	settled bool
}

// New returns a closed breaker.
func New(s Settings) *Breaker {
	if s.MaxFailures <= 0 {
		s.MaxFailures = DefaultMaxFailures
	}
	if s.OpenTimeout <= 0 {
		s.OpenTimeout = DefaultOpenTimeout
	}
	if s.HalfOpenMax <= 0 {
		s.HalfOpenMax = DefaultHalfOpenMax
	}
	return &Breaker{settings: s}
}

// Call runs op through the breaker and returns its error. While the breaker
// is open, or half-open with all trial calls taken, Call returns ErrOpen or
// ErrTooManyRequests at once and op is not called; a caller whose ctx has
// already ended gets ctx.Err() at once.
//
// An error from op counts as a failure of the dependency unless ctx had
// ended by the time op returned (the caller gave up: its deadline, its
// cancel, an errgroup sibling's failure) or Settings.IsFailure excuses it.
// So a dependency that is slower than its callers' deadlines trips the
// breaker only through a timeout inside op, shorter than those deadlines.
//
// A half-open trial whose caller leaves before op returns is a failed
// probe: the breaker opens again at that moment, even if op never returns,
// and ignores whatever op returns later. A trial whose op panics gives its
// slot back (the panic goes on to the caller).
func (b *Breaker) Call(ctx context.Context, op func(context.Context) error) error {
	t, err := b.admit(ctx)
	if err != nil {
		return err
	}
	if t.trial {
		// A trial whose caller gives up has failed its probe, even if op never returns.
		stop := context.AfterFunc(ctx, func() { b.abandon(t) })
		defer stop()
	}
	returned := false
	defer func() {
		if !returned {
			b.giveBack(t) // op panicked: a bug on our side, no news about the dependency
		}
	}()
	err = op(ctx) // no lock held: callers would take turns at the dependency
	returned = true
	b.record(ctx, t, err)
	return err
}

// State returns the breaker's state now. An open breaker whose OpenTimeout
// has passed is half-open.
func (b *Breaker) State() State {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tick(time.Now())
	return b.state
}

// admit decides whether a call may go through, and returns its ticket.
func (b *Breaker) admit(ctx context.Context) (*ticket, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return nil, err // the caller has already left: no call, no slot
	}
	b.tick(time.Now())
	t := &ticket{gen: b.generation}
	switch b.state {
	case Open:
		return nil, ErrOpen
	case HalfOpen:
		if b.trials >= b.settings.HalfOpenMax {
			return nil, ErrTooManyRequests
		}
		b.trials++
		t.trial = true
	}
	return t, nil
}

// giveBack settles a call whose op panicked, and frees its trial slot.
func (b *Breaker) giveBack(t *ticket) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.release(t)
}

// abandon settles a call whose caller left before op returned.
func (b *Breaker) abandon(t *ticket) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.leave(t)
}

// release settles t with no verdict: it frees t's trial slot, if t holds
// one in the current generation, and counts nothing. b.mu is held.
func (b *Breaker) release(t *ticket) {
	if t.settled {
		return
	}
	t.settled = true
	if t.trial && t.gen == b.generation {
		b.trials--
	}
}

// leave settles t for a caller who left before op returned. Closed, that is
// the caller's doing and counts nothing. Half-open, the trial did not
// answer in time: a failed probe, so the breaker opens again, for a full
// OpenTimeout from now, instead of sending trial after trial to a
// dependency that hangs. b.mu is held.
func (b *Breaker) leave(t *ticket) {
	if t.settled {
		return
	}
	t.settled = true
	if t.trial && t.gen == b.generation {
		b.setState(Open, time.Now())
	}
}

// record decides what the result of a call let through with ticket t says
// about the dependency, and counts it.
func (b *Breaker) record(ctx context.Context, t *ticket, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	b.tick(now)
	switch {
	case t.gen != b.generation:
		// Started before the last change of state: news about the past, which
		// must neither close, nor count towards a trip, nor reopen it.
		t.settled = true
		return
	case err != nil && ctx.Err() != nil:
		b.leave(t) // the caller gave up: its doing, unless a trial ran out of time
		return
	case err != nil && b.settings.IsFailure != nil && !b.settings.IsFailure(err):
		b.release(t) // the request was at fault: no news about the dependency either way
		return
	}
	t.settled = true
	b.count(err, now)
}

// count moves the breaker on after a result that is news about the
// dependency: a success (err == nil) or a failure. b.mu is held.
func (b *Breaker) count(err error, now time.Time) {
	switch b.state {
	case Closed:
		if err == nil {
			b.failures = 0 // only failures in a row count
			return
		}
		b.failures++
		if b.failures > b.settings.MaxFailures {
			b.setState(Open, now)
		}
	case HalfOpen:
		if err == nil {
			b.setState(Closed, now)
		} else {
			b.setState(Open, now) // and the timeout starts again
		}
	}
}

// tick half-opens an open breaker once its timeout has passed. There is no
// timer: whoever looks at the breaker first after the timeout moves it on.
func (b *Breaker) tick(now time.Time) {
	if b.state == Open && !now.Before(b.openedAt.Add(b.settings.OpenTimeout)) {
		b.setState(HalfOpen, now)
	}
}

// setState moves to a new generation in state to, with fresh counts. A
// generation need only differ from the one before: counting down would do
// as well.
func (b *Breaker) setState(to State, now time.Time) {
	from := b.state
	b.state = to
	b.generation++
	b.failures, b.trials = 0, 0
	if to == Open {
		b.openedAt = now
	}
	if b.settings.OnStateChange != nil {
		b.settings.OnStateChange(from, to)
	}
}
