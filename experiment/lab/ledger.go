package lab

import (
	"sync"
	"time"
)

// A Ledger is the service's own account of what became of the orders it
// was given: when each was fulfilled (whether or not anyone still waited),
// what it refused, dropped or abandoned. The harness reads it to measure
// time-to-result, which the client alone cannot see once it stops waiting.
//
// A nil *Ledger records nothing, so a service can be built without one.
// It is safe for concurrent use.
type Ledger struct {
	mu        sync.Mutex
	fulfilled map[int]time.Time // order Seq → when its first attempt was fulfilled
	jobs      int               // attempts fulfilled, counting every attempt of an order
	refused   [2]int            // by Class
	dropped   int               // accepted, then dropped: the caller's deadline had passed
	abandoned int               // started, then stopped when the caller left
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{fulfilled: make(map[int]time.Time)}
}

// Fulfilled records that o was fulfilled at t.
func (l *Ledger) Fulfilled(o Order, t time.Time) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.jobs++
	if first, ok := l.fulfilled[o.Seq]; !ok || t.Before(first) {
		l.fulfilled[o.Seq] = t
	}
}

// Refused records that o was refused for lack of room.
func (l *Ledger) Refused(o Order) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refused[o.Class]++
}

// Dropped records that o was accepted and then dropped unstarted.
func (l *Ledger) Dropped(Order) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dropped++
}

// Abandoned records that work on o stopped half done because its caller left.
func (l *Ledger) Abandoned(Order) {
	if l == nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.abandoned++
}
