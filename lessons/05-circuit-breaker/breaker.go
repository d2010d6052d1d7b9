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

	// TODO(1): the state, and the failures in a row while closed. Many
	// goroutines call the breaker at once: guard them with a sync.Mutex.

	// TODO(2): when the breaker opened, and how many trial calls are in
	// flight while it is half-open.

	// TODO(3): a generation that changes with every change of state, so
	// that a call can tell whether the breaker has moved on since it
	// started.
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
	// TODO(1): this starter always calls through, so every caller waits
	// for the dependency, dead or alive. Before op: if the breaker is open,
	// return ErrOpen without calling op. After op: count failures in a row
	// (a success resets the count) and open after more than MaxFailures.
	// Do not hold the lock while op runs.

	// TODO(2): an open breaker half-opens once OpenTimeout has passed since
	// it opened. Half-open, let HalfOpenMax trial calls through at a time
	// and give the others ErrTooManyRequests at once. A trial that succeeds
	// closes the breaker; one that fails opens it again, for a full
	// OpenTimeout from now.

	// TODO(3): remember the generation a call started in, and ignore its
	// result if the breaker has changed state since. Call OnStateChange
	// once for every change of state, in order.

	// TODO(4): blame the right party. A caller whose ctx has already ended
	// is not let through (return ctx.Err(), call nothing). An error
	// returned when ctx has ended is the caller giving up: count nothing.
	// An error Settings.IsFailure excuses counts neither way: not as a
	// failure, not as a success (the run of failures stays as it was), and
	// a trial that gets one gives its slot back.

	// TODO(5): a trial whose caller leaves before op returns is a failed
	// probe: open the breaker again at that moment (context.AfterFunc),
	// even if op never returns, and ignore whatever that trial returns
	// afterwards. A trial whose op panics gives its slot back (a deferred
	// function runs while the panic goes on).
	return op(ctx)
}

// State returns the breaker's state now. An open breaker whose OpenTimeout
// has passed is half-open.
func (b *Breaker) State() State {
	return Closed // TODO(1), TODO(2)
}
