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

// Defaults for the zero fields of ThrottleConfig: K and Window are the
// Google SRE book's; MaxReject is this lesson's choice (see its doc).
const (
	DefaultK         = 2
	DefaultWindow    = 2 * time.Minute
	DefaultMaxReject = 0.9
)

// ThrottleConfig sets how a Throttle decides.
type ThrottleConfig struct {
	// K is how many requests the client may send for each one the backend
	// accepts before it starts rejecting them locally. 0 means DefaultK.
	K float64
	// Window is how much history counts. 0 means DefaultWindow.
	Window time.Duration
	// MaxReject is the most the rejection probability may reach, so that
	// the client always sends some requests (1 in 10 with the default) and
	// finds out when the backend is back. 0 means DefaultMaxReject; 1 lets
	// the probability approach 1, and then a backend that accepted nothing
	// for a Window is hardly asked again for a long time.
	MaxReject float64
	// Rand returns a number in [0, 1) that decides each local rejection. Nil means
	// math/rand/v2's Float64. It is called with the Throttle's lock held,
	// so it need not be safe for concurrent use.
	Rand func() float64
	// Rejected reports whether an error from op means that the backend
	// refused the request because it is overloaded (over quota, shedding)
	// rather than answered it. Nil means errors.Is(err, ErrShed). Any other
	// error (not found, invalid input, not allowed) is an answer: the
	// backend accepted the request, and it counts as an accept.
	Rejected func(err error) bool
}

// A Throttle is client-side adaptive throttling, as the Google SRE book
// describes it ("Handling Overload"): over the last Window it counts the
// requests the application attempted (sent or not) and the accepts, those
// the backend did not reject, and rejects a new request locally, without
// sending it, with probability
//
//	min(MaxReject, max(0, (requests − K·accepts) / (requests + 1)))
//
// so that against a backend that accepts less than it is sent, the client
// settles at sending about K times what is accepted. It keeps these counts
// for each criticality apart, as the SRE book does: a backend that sheds
// sheddable work does not make the client reject its critical requests.
// A request whose caller has left before the answer came tells nothing
// about the backend: it is taken back out of the counts.
//
// It is safe for concurrent use: share one per client and backend.
type Throttle struct {
	cfg ThrottleConfig

	origin time.Time // where every window's buckets start

	mu     sync.Mutex // guards counts; never held while op runs
	counts map[Criticality]*window
}

// NewThrottle returns a throttle with no history: it sends everything.
func NewThrottle(cfg ThrottleConfig) *Throttle {
	if cfg.K <= 0 {
		cfg.K = DefaultK
	}
	if cfg.Window <= 0 {
		cfg.Window = DefaultWindow
	}
	if cfg.MaxReject <= 0 {
		cfg.MaxReject = DefaultMaxReject
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Float64
	}
	if cfg.Rejected == nil {
		cfg.Rejected = func(err error) bool { return errors.Is(err, ErrShed) }
	}
	return &Throttle{cfg: cfg, origin: time.Now(), counts: map[Criticality]*window{}}
}

// Do counts a request of ctx's criticality and, with the probability
// above, rejects it at once with ErrThrottled; otherwise it runs op(ctx),
// counts an accept unless Rejected says op's error is a rejection, and
// returns op's error. A request whose caller has already left is neither
// sent nor counted; one whose caller leaves while it is out is taken back
// out of the counts.
func (t *Throttle) Do(ctx context.Context, op func(context.Context) error) error {
	// TODO(6): this sends every request, whatever the backend has been
	// answering: against a backend that accepts 1 in 10, the client sends
	// 10 times what is accepted. Before sending, compute the probability
	// from the window's counts and reject the request locally when
	// cfg.Rand() falls below it (return ErrThrottled without calling op).
	// Count every attempted request, the ones rejected locally too. Hold
	// the lock to count and to draw, never while op runs.
	//
	// And count only what says something about the backend: keep each
	// criticality's counts apart (t.window(CriticalityOf(ctx)), not one
	// for all); do not send, nor count, a request whose caller has already
	// left (its ctx is done, or its deadline has come); and when the caller leaves while op runs (ctx.Err()
	// is not nil when op returns), take the request back out of the
	// counts (w.remove(sent)), counting no accept: no news.
	t.mu.Lock()
	w := t.window(Critical)
	sent := time.Now()
	w.add(sent, 1, 0)
	t.mu.Unlock()

	err := op(ctx)
	if !t.cfg.Rejected(err) {
		t.mu.Lock()
		w.add(time.Now(), 0, 1)
		t.mu.Unlock()
	}
	return err
}

// Probability returns the probability that a request of criticality c
// made now is rejected locally.
func (t *Throttle) Probability(c Criticality) float64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.probability(t.window(c), time.Now())
}

// window returns the counts of criticality c, made on first use. Call it
// with mu held.
func (t *Throttle) window(c Criticality) *window {
	w, ok := t.counts[c]
	if !ok {
		w = newWindow(t.cfg.Window, t.origin)
		t.counts[c] = w
	}
	return w
}

// probability is min(MaxReject, max(0, (requests − K·accepts) / (requests + 1)))
// over the window w ending at now. Call it with mu held.
func (t *Throttle) probability(w *window, now time.Time) float64 {
	requests, accepts := w.sums(now)
	// TODO(6): min(MaxReject, max(0, (requests − K·accepts) / (requests + 1))),
	// with K and MaxReject from cfg. As shipped, the client never rejects
	// anything itself.
	_, _ = requests, accepts
	return 0
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

// remove takes back a request counted at at, if its bucket still holds
// it: a bucket already forgotten has nothing to take back.
//
//lint:ignore U1000 for exercise 6: Do takes back the request of a caller who left
func (w *window) remove(at time.Time) {
	n := w.index(at)
	if b := &w.ring[n%buckets]; b.n == n {
		b.requests--
	}
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
