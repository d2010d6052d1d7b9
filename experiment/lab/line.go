package lab

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// A Line lets at most n callers work at once and keeps the others waiting,
// first come first served: a database's connection pool, a bulkhead. The
// synchronous chain's queue is such a line, made of the callers themselves.
// A caller whose context ends leaves the line. It is safe for concurrent
// use.
type Line struct {
	mu      sync.Mutex
	free    int
	working int
	waiting list.List // of *waiter, oldest first
}

type waiter struct {
	since   time.Time
	turn    chan struct{} // closed when the waiter is given a slot
	granted bool          // set, under mu, just before turn is closed
}

// NewLine returns a line with n slots.
func NewLine(n int) *Line {
	return &Line{free: n}
}

// Enter waits for a slot, in arrival order, until ctx ends. On nil the
// caller holds a slot and must Leave.
func (l *Line) Enter(ctx context.Context) error {
	l.mu.Lock()
	if l.free > 0 && l.waiting.Len() == 0 {
		l.free--
		l.working++
		l.mu.Unlock()
		return nil
	}
	w := &waiter{since: time.Now(), turn: make(chan struct{})}
	e := l.waiting.PushBack(w)
	l.mu.Unlock()

	select {
	case <-w.turn:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		if w.granted { // the slot came as we gave up: pass it on
			l.handOn()
		} else {
			l.waiting.Remove(e)
		}
		return context.Cause(ctx)
	}
}

// Leave gives the caller's slot to the longest waiting caller, if any.
func (l *Line) Leave() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.handOn()
}

// handOn passes a slot that is being given back. l.mu must be held.
func (l *Line) handOn() {
	front := l.waiting.Front()
	if front == nil {
		l.free++
		l.working--
		return
	}
	w := l.waiting.Remove(front).(*waiter)
	w.granted = true
	close(w.turn)
}

// Look reports the line: callers waiting, the oldest one's arrival, and
// everyone inside (waiting or working).
func (l *Line) Look() Look {
	l.mu.Lock()
	defer l.mu.Unlock()
	look := Look{Depth: l.waiting.Len(), InFlight: l.waiting.Len() + l.working}
	if front := l.waiting.Front(); front != nil {
		look.Oldest = front.Value.(*waiter).since
	}
	return look
}
