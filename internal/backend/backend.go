// Package backend simulates a dependency: a database or a downstream
// service whose latency, failures, hanging and capacity a test sets.
//
// A Backend waits with the time package, so inside a testing/synctest
// bubble it runs on virtual time: a call that "takes 2s" returns exactly
// 2s of virtual time later, instantly and on every machine. Create it
// inside the bubble, so that callers queued for its capacity are durably
// blocked and the bubble's clock can advance.
//
// It counts calls and records the peak number of calls in flight, so a
// test can say how much load reached the dependency.
package backend

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/wherewaiting/workshop/internal/timeline"
)

// A Backend is a simulated dependency. It is safe for concurrent use.
type Backend struct {
	name    string
	slots   chan struct{} // nil: unlimited capacity
	release chan struct{} // closed by Release: ends every hanging call

	mu           sync.Mutex
	latency      func(n int) time.Duration
	fail         func(n int) error
	reply        func(n int, req string) string
	ignoreCtx    bool
	hang         bool
	tl           *timeline.Timeline
	released     bool
	calls        int
	inFlight     int
	peakInFlight int
	serving      int
	peakServing  int
	gaveUp       int
}

// An Option sets how a Backend behaves.
type Option func(*Backend)

// New returns a backend that answers every call at once with a reply
// naming itself and the request, until options say otherwise.
func New(name string, opts ...Option) *Backend {
	b := &Backend{
		name:    name,
		release: make(chan struct{}),
		latency: func(int) time.Duration { return 0 },
		fail:    func(int) error { return nil },
		reply:   func(_ int, req string) string { return name + ": " + req },
	}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Latency makes every call take d.
func Latency(d time.Duration) Option {
	return LatencyFunc(func(int) time.Duration { return d })
}

// LatencyFunc makes call n (counting from 1) take f(n).
func LatencyFunc(f func(n int) time.Duration) Option {
	return func(b *Backend) { b.latency = f }
}

// FailWith makes every call fail with err once its latency has passed.
// A nil err makes calls succeed again.
func FailWith(err error) Option {
	return FailFunc(func(int) error { return err })
}

// FailFunc makes call n (counting from 1) fail with f(n); nil means success.
func FailFunc(f func(n int) error) Option {
	return func(b *Backend) { b.fail = f }
}

// Reply makes a successful call n to req answer f(n, req).
func Reply(f func(n int, req string) string) Option {
	return func(b *Backend) { b.reply = f }
}

// Capacity lets at most k calls be served at once; the others queue until
// a slot is free, and their queueing counts toward their latency, as it
// does in a real connection pool. It only takes effect in New.
func Capacity(k int) Option {
	if k < 1 {
		panic("backend: capacity must be at least 1")
	}
	return func(b *Backend) {
		if b.slots == nil {
			b.slots = make(chan struct{}, k)
		}
	}
}

// IgnoreContext makes calls deaf to their context, like a driver that never
// checks it: a call takes its whole latency (or hangs until Release) even
// after the caller has given up.
func IgnoreContext() Option {
	return func(b *Backend) { b.ignoreCtx = true }
}

// HonourContext undoes IgnoreContext: calls end as soon as their context is
// done, returning an error that wraps ctx.Err(). This is the default.
func HonourContext() Option {
	return func(b *Backend) { b.ignoreCtx = false }
}

// Hang makes calls never answer on their own. A call that honours its
// context ends when the context is done; one that ignores it ends only at
// Release. (Release them before a synctest bubble ends, or the bubble
// reports them as blocked forever.)
func Hang() Option {
	return func(b *Backend) { b.hang = true }
}

// Recover undoes Hang for calls that start from now on.
func Recover() Option {
	return func(b *Backend) { b.hang = false }
}

// Record draws every call on tl as a span named after the backend.
func Record(tl *timeline.Timeline) Option {
	return func(b *Backend) { b.tl = tl }
}

// Set changes the backend's behaviour from now on; calls already running
// keep what they started with. Capacity cannot be changed.
func (b *Backend) Set(opts ...Option) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, o := range opts {
		o(b)
	}
}

// Name is the name given to New.
func (b *Backend) Name() string { return b.name }

// ErrReleased is returned by hanging calls ended by Release.
var ErrReleased = errors.New("backend released")

// Release ends every hanging call, now and later, with ErrReleased.
func (b *Backend) Release() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.released {
		b.released = true
		close(b.release)
	}
}

// Call sends one request and waits for the answer: first for a free slot
// (with Capacity), then for the latency. A call that honours its context
// returns early, with an error wrapping ctx.Err(), once ctx is done.
func (b *Backend) Call(ctx context.Context, req string) (string, error) {
	b.mu.Lock()
	b.calls++
	n := b.calls
	latency, fail, reply := b.latency(n), b.fail, b.reply
	ignoreCtx, hang, tl := b.ignoreCtx, b.hang, b.tl
	b.inFlight++
	b.peakInFlight = max(b.peakInFlight, b.inFlight)
	b.mu.Unlock()
	defer b.change(&b.inFlight, -1, nil)

	if tl != nil {
		defer tl.Begin(b.name)()
	}
	done := ctx.Done()
	if ignoreCtx {
		done = nil // a nil channel never fires: the call does not listen
	}

	if b.slots != nil {
		select {
		case b.slots <- struct{}{}:
			defer func() { <-b.slots }()
		case <-done:
			return "", b.gaveUpErr(ctx, "waiting for a free slot")
		}
	}
	b.change(&b.serving, +1, &b.peakServing)
	defer b.change(&b.serving, -1, nil)

	if hang {
		select {
		case <-b.release:
			return "", fmt.Errorf("%s: %w", b.name, ErrReleased)
		case <-done:
			return "", b.gaveUpErr(ctx, "hanging")
		}
	}
	if latency > 0 {
		timer := time.NewTimer(latency)
		defer timer.Stop()
		select {
		case <-timer.C:
		case <-done:
			return "", b.gaveUpErr(ctx, "working")
		}
	}
	if err := fail(n); err != nil {
		return "", err
	}
	return reply(n, req), nil
}

func (b *Backend) gaveUpErr(ctx context.Context, while string) error {
	b.mu.Lock()
	b.gaveUp++
	b.mu.Unlock()
	return fmt.Errorf("%s stopped %s because the caller gave up: %w", b.name, while, ctx.Err())
}

func (b *Backend) change(v *int, delta int, peak *int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*v += delta
	if peak != nil {
		*peak = max(*peak, *v)
	}
}

// Stats is what a backend has seen so far.
type Stats struct {
	Calls        int // calls started
	InFlight     int // calls not yet returned, queued or served
	PeakInFlight int // the most calls in flight at once
	PeakServing  int // the most calls past the capacity queue at once
	GaveUp       int // calls that ended early because their context was done
}

// Stats returns a snapshot of the counters.
func (b *Backend) Stats() Stats {
	b.mu.Lock()
	defer b.mu.Unlock()
	return Stats{
		Calls:        b.calls,
		InFlight:     b.inFlight,
		PeakInFlight: b.peakInFlight,
		PeakServing:  b.peakServing,
		GaveUp:       b.gaveUp,
	}
}

// Calls is the number of calls started so far.
func (b *Backend) Calls() int { return b.Stats().Calls }

// PeakInFlight is the most calls that were in flight at once.
func (b *Backend) PeakInFlight() int { return b.Stats().PeakInFlight }
