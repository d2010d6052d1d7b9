// Package effect simulates a side effect that should happen once: a card
// charged, an email sent, a parcel shipped. A Store writes down every time
// the effect happens, so a test can count them: a redelivered message or a
// retried request that charges a card twice shows as two entries for one
// key.
//
// A Store can also be the resource that checks fencing tokens (Martin
// Kleppmann, "How to do distributed locking", 2016): Fenced refuses a write
// whose token is older than the newest one it has seen for that key, so a
// worker that lost its lease while it was paused cannot write after the one
// that took over. That protects an overwrite from a stale writer that comes
// late; it does nothing to a stale request that arrived first, so it cannot
// keep a card from being charged twice.
//
// What can is a resource that knows the idempotency key: Keyed makes the
// effect happen once per key it is given, and answers a repeat with the
// first receipt (Stripe's Idempotency-Key header; a unique constraint on
// the order and the operation in a database).
//
// An effect takes no time: a test sleeps before it to make work take time.
// A Store reads the time package's clock, so inside a testing/synctest
// bubble every entry carries an exact virtual instant.
package effect

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
)

// ErrStaleToken is wrapped by the error of a Fenced write refused because
// a newer token has written to the same key.
var ErrStaleToken = errors.New("stale fencing token")

// An Entry is one attempt to make the effect happen.
type Entry struct {
	Key     string
	Token   uint64 // the fencing token; 0 for Apply
	At      time.Time
	Receipt string // what the effect returned; empty when refused
	Refused bool   // a Fenced write with a stale token: nothing happened
	Replay  bool   // a Keyed repeat of a known idempotency key: nothing happened, Receipt is the first one's
}

// A Store makes effects happen and logs them. It is safe for concurrent use.
type Store struct {
	name string

	mu     sync.Mutex
	log    []Entry
	done   int               // effects that happened
	newest map[string]uint64 // the newest token seen per key
	known  map[string]string // the receipt of each idempotency key seen by Keyed
}

// New returns a store whose receipts are named after name ("charge #1 for
// order-7").
func New(name string) *Store {
	return &Store{name: name, newest: map[string]uint64{}, known: map[string]string{}}
}

// Apply makes the effect happen for key, now, and returns its receipt.
// Every call is one more effect: calling it twice for one key charges the
// card twice.
func (s *Store) Apply(key string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apply(key, 0)
}

// Fenced makes the effect happen for key, now, unless a write with a newer
// token has reached key already: then nothing happens and the error wraps
// ErrStaleToken. The same token may write again; a newer one always may.
func (s *Store) Fenced(key string, token uint64) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if newest := s.newest[key]; token < newest {
		s.log = append(s.log, Entry{Key: key, Token: token, At: time.Now(), Refused: true})
		return "", fmt.Errorf("%s for %s with token %d: %w (token %d has written since)", s.name, key, token, ErrStaleToken, newest)
	}
	s.newest[key] = token
	return s.apply(key, token), nil
}

// Keyed makes the effect happen for key, now, unless a request with the
// same idempotency key has been made before: then nothing happens and it
// returns the first request's receipt, however many times it is repeated
// and whatever token the repeat carries.
func (s *Store) Keyed(key, idempotencyKey string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if receipt, ok := s.known[idempotencyKey]; ok {
		s.log = append(s.log, Entry{Key: key, At: time.Now(), Receipt: receipt, Replay: true})
		return receipt
	}
	receipt := s.apply(key, 0)
	s.known[idempotencyKey] = receipt
	return receipt
}

// apply records one effect; s.mu must be held.
func (s *Store) apply(key string, token uint64) string {
	s.done++
	receipt := fmt.Sprintf("%s #%d for %s", s.name, s.done, key)
	s.log = append(s.log, Entry{Key: key, Token: token, At: time.Now(), Receipt: receipt})
	return receipt
}

// Count is how many times the effect happened for key (refused writes and
// replays do not count).
func (s *Store) Count(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.log {
		if e.Key == key && !e.Refused && !e.Replay {
			n++
		}
	}
	return n
}

// Total is how many times the effect happened, for every key.
func (s *Store) Total() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done
}

// Refused is how many Fenced writes were refused.
func (s *Store) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, e := range s.log {
		if e.Refused {
			n++
		}
	}
	return n
}

// Log returns a copy of every entry, in the order they happened.
func (s *Store) Log() []Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Entry(nil), s.log...)
}

// Table draws the log, one line an entry, with times measured from origin:
//
//	6s      charge #1 for order-7 (token 2)
//	8s      refused: order-7 with token 1 (stale)
//	9s      repeat of charge #1 for order-7: nothing happened
func (s *Store) Table(origin time.Time) string {
	log := s.Log()
	if len(log) == 0 {
		return "(no effect happened)\n"
	}
	var b strings.Builder
	for _, e := range log {
		what := e.Receipt
		switch {
		case e.Refused:
			what = fmt.Sprintf("refused: %s with token %d (stale)", e.Key, e.Token)
		case e.Replay:
			what = fmt.Sprintf("repeat of %s: nothing happened", e.Receipt)
		case e.Token != 0:
			what += fmt.Sprintf(" (token %d)", e.Token)
		}
		fmt.Fprintf(&b, "  %-6s  %s\n", e.At.Sub(origin), what)
	}
	return b.String()
}
