package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wherewaiting/workshop/internal/effect"
	"github.com/wherewaiting/workshop/internal/timeline"
	delivery "github.com/wherewaiting/workshop/lessons/09-delivery"
)

// patience is how much virtual time a test waits for something before it
// calls it stuck. It costs nothing: virtual time passes instantly.
const patience = 10 * time.Minute

// errFailed is what a handler returns when its plan says the job fails.
var errFailed = errors.New("the payment provider said no")

// config is the queue most tests use: a lease of 3s, renewed for a minute
// at most, three deliveries a message, retries at once, no grace.
func config() delivery.Config {
	return delivery.Config{Lease: 3 * time.Second, MaxLease: time.Minute, MaxDeliver: 3}
}

// half is a Backoff.Rand that always picks the middle of the range, so
// that every wait is exact: half of min(Cap, Base·2^(n-1)).
func half() float64 { return 0.5 }

// at sleeps until d after start, then lets everything due at that instant
// happen before the test looks.
func at(start time.Time, d time.Duration) {
	time.Sleep(time.Until(start.Add(d)))
	synctest.Wait()
}

// lostWith says why a message went with the worker that died holding it,
// from the queue's Stats while the worker still worked (before) and once
// it had died (after): acked before the work, acked by a deferred call as
// the worker's goroutine ended, or kept by a heartbeat that outlived it.
// It is empty when the figures point at none of these.
func lostWith(worker string, died time.Duration, before, after delivery.Stats) string {
	switch {
	case before.Acked > 0:
		return fmt.Sprintf("The message was acked while %s still worked: does Consume ack before the work is "+
			"done? Then a worker that dies loses the message for good: at-most-once", worker)
	case after.Acked > 0 && after.Deliveries == 1:
		return fmt.Sprintf("The message was acked when %s died at %v, its work unfinished: is the ack in a "+
			"defer? A deferred call runs when the worker's goroutine ends, however it ends (runtime.Goexit "+
			"here, a panic too), so a worker that dies acks the job it never finished. Ack after the handler "+
			"returned nil, in the code that follows it, not in a defer", worker, died)
	case after.Leased > 0:
		return fmt.Sprintf("The message is still leased although %s died at %v: does a heartbeat outlive its "+
			"worker? A worker whose goroutine ends, however it ends, must stop renewing", worker, died)
	}
	return ""
}

// A received is what one Receive returned, and when.
type received struct {
	d   delivery.Delivery
	err error
	at  time.Duration // after the test's start
}

// goReceive calls Receive in a goroutine of its own, as a worker would;
// the answer arrives on the returned channel.
func goReceive(ctx context.Context, q *delivery.Queue, start time.Time) <-chan received {
	out := make(chan received, 1)
	go func() {
		d, err := q.Receive(ctx)
		out <- received{d: d, err: err, at: time.Since(start)}
	}()
	return out
}

// tryGet returns what arrived on c, if anything has.
func tryGet(c <-chan received) (received, bool) {
	select {
	case r := <-c:
		return r, true
	default:
		return received{}, false
	}
}

// awaitReceived waits for what arrives on c, for at most patience.
func awaitReceived(c <-chan received) (received, bool) {
	select {
	case r := <-c:
		return r, true
	case <-time.After(patience):
		return received{}, false
	}
}

// mustReceive calls Receive and insists that it answers at once.
func mustReceive(t *testing.T, q *delivery.Queue, start time.Time) delivery.Delivery {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	c := goReceive(ctx, q, start)
	synctest.Wait()
	r, ok := tryGet(c)
	if !ok {
		cancel()
		<-c
		t.Fatalf("at %v Receive waited, although a message was visible: it should lease it at once", time.Since(start))
	}
	if r.err != nil {
		t.Fatalf("at %v Receive: %v; a message was visible", time.Since(start), r.err)
	}
	return r.d
}

// since is how long after start the clock reads now.
func since(start time.Time) time.Duration { return time.Since(start) }

// plan says what a worker does with one delivery: work for a while, maybe
// charge the card for the message, then end one way or another.
type plan struct {
	work   time.Duration // before the charge (or before the end, with no charge)
	charge bool          // apply the effect for the message's body
	end    ending
}

// ending is how a worker's handling of a delivery ends.
type ending int

const (
	succeed ending = iota // the handler returns nil
	fail                  // the handler returns errFailed
	die                   // the worker's goroutine ends there (runtime.Goexit): no ack, no nack, nothing
	hold                  // the handler waits until its context is done, and returns ctx.Err()
)

// A rig is a queue worked by Consume workers, whose handlers follow a plan
// and charge a card (an effect.Store) when the plan says so. It records
// every handling on a timeline.
type rig struct {
	t       *testing.T
	start   time.Time
	q       *delivery.Queue
	charges *effect.Store
	tl      *timeline.Timeline

	stuck   chan struct{} // closed when the test ends: a handler stuck on it returns then
	unstick sync.Once

	mu      sync.Mutex
	workers []*worker
	idle    map[string]time.Time // since when each live, idle worker has waited for a message
}

// newRig makes a queue with cfg inside the bubble. When the test ends it
// stops every worker and waits for them.
func newRig(t *testing.T, cfg delivery.Config) *rig {
	r := &rig{t: t, start: time.Now(), q: delivery.NewQueue(cfg), charges: effect.New("charge"), tl: timeline.New(),
		stuck: make(chan struct{}), idle: map[string]time.Time{}}
	t.Cleanup(r.stopAll)
	return r
}

// release lets every handler that hangs return.
func (r *rig) release() { r.unstick.Do(func() { close(r.stuck) }) }

// A worker is one goroutine running Consume.
type worker struct {
	name   string
	cancel context.CancelFunc
	done   chan struct{} // closed when the goroutine has ended
	err    error         // what Consume returned; read it after done
	died   bool          // the goroutine ended inside a handler, not by returning from Consume
	ended  time.Duration // when the goroutine ended, after the start
}

// goWorker starts a worker called name whose handler follows plans.
func (r *rig) goWorker(name string, plans func(d delivery.Delivery) plan) *worker {
	return r.goConsume(name, r.planned(name, plans))
}

// goConsume starts a worker called name that runs Consume with h, drawn on
// the timeline.
func (r *rig) goConsume(name string, h delivery.Handler) *worker {
	ctx, cancel := context.WithCancel(context.Background())
	w := &worker{name: name, cancel: cancel, done: make(chan struct{})}
	r.mu.Lock()
	r.workers = append(r.workers, w)
	r.idle[name] = time.Now()
	r.mu.Unlock()
	go func() {
		returned := false
		defer func() {
			w.died = !returned
			w.ended = since(r.start)
			r.mu.Lock()
			if since, ok := r.idle[name]; ok && time.Now().After(since) {
				r.tl.Add(name+" waits", since, time.Now())
			}
			delete(r.idle, name) // gone: it waits for nothing any more
			r.mu.Unlock()
			close(w.done)
		}()
		w.err = delivery.Consume(ctx, r.q, r.drawn(name, h))
		returned = true
	}()
	return w
}

// drawn wraps h so that every handling is a span on the timeline, named
// after the worker, the message and the attempt, and how it ended, and so
// is the worker's wait for a message before it.
func (r *rig) drawn(name string, h delivery.Handler) delivery.Handler {
	return func(ctx context.Context, d delivery.Delivery) error {
		began := time.Now()
		r.mu.Lock()
		if since, ok := r.idle[name]; ok && began.After(since) {
			r.tl.Add(name+" waits", since, began)
		}
		delete(r.idle, name)
		r.mu.Unlock()
		how := "died"
		defer func() {
			now := time.Now()
			r.tl.Add(fmt.Sprintf("%s: %s try %d, %s", name, d.Body, d.Attempt, how), began, now)
			if how != "died" {
				r.mu.Lock()
				r.idle[name] = now
				r.mu.Unlock()
			}
		}()
		err := h(ctx, d)
		switch {
		case err == nil:
			how = "done"
		case ctx.Err() != nil:
			how = "stopped"
		default:
			how = "failed"
		}
		return err
	}
}

// planned is a handler that follows plans.
func (r *rig) planned(name string, plans func(d delivery.Delivery) plan) delivery.Handler {
	return func(ctx context.Context, d delivery.Delivery) error {
		p := plans(d)
		if err := sleep(ctx, p.work); err != nil {
			return err
		}
		if p.charge {
			r.charge(d.Body)
		}
		switch p.end {
		case fail:
			return fmt.Errorf("%s, try %d: %w", d.Body, d.Attempt, errFailed)
		case die:
			runtime.Goexit()
		case hold:
			<-ctx.Done()
			return ctx.Err()
		}
		return nil
	}
}

// charge makes the effect happen for key and draws it on the timeline.
func (r *rig) charge(key string) string {
	receipt := r.charges.Apply(key)
	now := time.Now()
	r.tl.Add("  "+receipt, now, now)
	return receipt
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// stopAll stops every worker still running and waits for it, for at most
// patience.
func (r *rig) stopAll() {
	r.release()
	r.mu.Lock()
	workers := slices.Clone(r.workers)
	r.mu.Unlock()
	for _, w := range workers {
		w.cancel()
	}
	giveUp := time.After(patience)
	for _, w := range workers {
		select {
		case <-w.done:
		case <-giveUp:
			r.t.Errorf("worker %s was still running %v after its context was cancelled: Consume should return "+
				"ctx.Err() once ctx is done\n%s", w.name, patience, r.tl)
			return
		}
	}
	synctest.Wait()
}

// picture draws what the workers did, and the charges, up to now, with
// the workers still waiting for a message.
func (r *rig) picture() string {
	spans := r.tl.Spans()
	r.mu.Lock()
	var waiting []timeline.Span
	for name, since := range r.idle {
		waiting = append(waiting, timeline.Span{Who: name + " waits", Start: since})
	}
	r.mu.Unlock()
	slices.SortFunc(waiting, func(a, b timeline.Span) int { return strings.Compare(a.Who, b.Who) })
	return timeline.Render(r.tl.Origin(), time.Now(), append(spans, waiting...))
}

// stats is a Stats with only the places a message can be, for diffs that
// read well.
type stats struct {
	Accepted, Queued, Delayed, Leased, Acked, DeadLettered int
}

func placesOf(s delivery.Stats) stats {
	return stats{Accepted: s.Accepted, Queued: s.Queued, Delayed: s.Delayed, Leased: s.Leased, Acked: s.Acked,
		DeadLettered: s.DeadLettered}
}

// balanced reports whether every message Put is in exactly one place.
func balanced(s delivery.Stats) bool {
	return s.Accepted == s.Queued+s.Delayed+s.Leased+s.Acked+s.DeadLettered
}

// table draws rows of cells as aligned columns.
func table(rows [][]string) string {
	widths := make([]int, len(rows[0]))
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	var b strings.Builder
	for _, row := range rows {
		for i, c := range row {
			if i == len(row)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c + strings.Repeat(" ", widths[i]-len([]rune(c))+2))
		}
		b.WriteString("\n")
	}
	return b.String()
}
