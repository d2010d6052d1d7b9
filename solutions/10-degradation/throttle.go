package degradation

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"
)

// ErrThrottled is the error of a request the Throttle rejected locally,
// without sending it: the backend has been rejecting much of what it gets.
var ErrThrottled = errors.New("rejected locally: the backend has been rejecting requests")

// Defaults for the zero fields of ThrottleConfig: the Google SRE book's.
const (
	DefaultK      = 2
	DefaultWindow = 2 * time.Minute
)

// ThrottleConfig sets how a Throttle decides.
type ThrottleConfig struct {
	// K is how many requests the client may send for each one the backend
	// accepts before it starts rejecting them locally. 0 means DefaultK.
	K float64
	// Window is how much history counts. 0 means DefaultWindow.
	Window time.Duration
	// Rand returns a number in [0, 1) that decides each local rejection. Nil means
	// math/rand/v2's Float64. It is called with the Throttle's lock held,
	// so it need not be safe for concurrent use.
	Rand func() float64
	// Rejected reports whether an error from op means that the backend
	// rejected the request (overloaded, over quota) rather than served it.
	// Nil means every error does.
	Rejected func(err error) bool
}

// A Throttle is client-side adaptive throttling, as the Google SRE book
// describes it ("Handling Overload"): over the last Window it counts the
// requests the application attempted (sent or not) and the accepts, those
// the backend did not reject, and rejects a new request locally, without
// sending it, with probability
//
//	max(0, (requests − K·accepts) / (requests + 1))
//
// so that against a backend that accepts less than it is sent, the client
// settles at sending about K times what is accepted. It is safe for
// concurrent use: share one per client and backend.
type Throttle struct {
	cfg ThrottleConfig

	mu     sync.Mutex // guards counts; never held while op runs
	counts *window
}

// NewThrottle returns a throttle with no history: it sends everything.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	if cfg.K <= 0 {
		cfg.K = DefaultK
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(err error) bool { return err != nil }
	}
	return &Throttle{cfg: cfg, counts: newWindow(cfg.Window, time.Now())}
}

// Do counts a request and, with the probability above, rejects it at once
// with ErrThrottled; otherwise it runs op(ctx), counts an accept unless
// Rejected says op's error is a rejection, and returns op's error.
func (t *Throttle) Do(ctx context.Context, op func(context.Context) error) error {
	t.mu.Lock()
	now := time.Now()
	p := t.probability(now)
	// Every attempt counts, those rejected here too: as the application
	// asks for more than the backend accepts, local rejections grow with it.
	t.counts.add(now, 1, 0)
	reject := p > 0 && t.cfg.Rand() < p
	t.mu.Unlock()
	if reject {
		return ErrThrottled
	}

	err := op(ctx)
	if !t.cfg.Rejected(err) {
		t.mu.Lock()
		t.counts.add(time.Now(), 0, 1)
		t.mu.Unlock()
	}
	return err
}

// Probability returns the probability that a request made now is
// rejected locally.
func (t *Throttle) Probability() float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.probability(time.Now())
}

// probability is max(0, (requests − K·accepts) / (requests + 1)) over the
// window ending at now. Call it with mu held.
func (t *Throttle) probability(now time.Time) float64 {
	requests, accepts := t.counts.sums(now)
	return max(0, (float64(requests)-t.cfg.K*float64(accepts))/float64(requests+1))
}

// buckets is how many pieces a window is cut into: history leaves the
// window one piece (Window/buckets) at a time.
const buckets = 20

// window counts requests and accepts over the last span of time, in
// buckets of span/buckets: old buckets are forgotten as time moves on, so a
// busy past does not outweigh the present. It is not safe for concurrent
// use: the Throttle guards it.
type window struct {
	origin time.Time
	width  time.Duration
	ring   [buckets]bucket
}

// bucket holds the counts of one piece of time: the n-th since origin.
type bucket struct {
	n                 int64
	requests, accepts int
}

func newWindow(span time.Duration, origin time.Time) *window {
	return &window{origin: origin, width: max(span/buckets, 1)}
}

// index returns the number of the piece of time that holds now.
func (w *window) index(now time.Time) int64 {
	return int64(now.Sub(w.origin) / w.width)
}

// add counts requests and accepts at now.
func (w *window) add(now time.Time, requests, accepts int) {
	n := w.index(now)
	b := &w.ring[n%buckets]
	if b.n != n { // a bucket from a window ago: start it afresh
		*b = bucket{n: n}
	}
	b.requests += requests
	b.accepts += accepts
}

// sums returns the requests and accepts counted in the window that ends at
// now: the current piece of time and the buckets-1 before it.
func (w *window) sums(now time.Time) (requests, accepts int) {
	n := w.index(now)
	for _, b := range w.ring {
		if b.n > n-buckets && b.n <= n {
			requests += b.requests
			accepts += b.accepts
		}
	}
	return requests, accepts
}
