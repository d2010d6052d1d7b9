package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	pool "github.com/wherewaiting/workshop/lessons/07-worker-pool"
)

// patience is how much virtual time a test waits for Submit, Shutdown or a
// job before it calls them stuck. It costs nothing: virtual time passes
// instantly.
const patience = 10 * time.Minute

// errBroken is the error of every job whose input says "fails".
var errBroken = errors.New("the input is broken")

// commitTime is how long a job whose input says "commits" takes, once its
// context has ended, to finish the write it is in the middle of.
const commitTime = 200 * time.Millisecond

// oneProcessor makes the goroutines of the test take turns on a single
// processor until the returned function is called. A goroutine that wakes
// another then runs on until it blocks, so an interleaving that several
// processors produce only now and then happens on every run. Call it
// outside the bubble: defer oneProcessor()().
func oneProcessor() (restore func()) {
	before := runtime.GOMAXPROCS(1)
	return func() { runtime.GOMAXPROCS(before) }
}

// errPanicked marks a Submit or Shutdown that panicked; the test reports it
// instead of crashing.
var errPanicked = errors.New("panicked")

// A rig is one pool under test, its jobs calling a simulated database,
// with a timeline of how long each job waited in the queue and worked.
// Create it inside the bubble.
type rig struct {
	t     *testing.T
	start time.Time
	tl    *timeline.Timeline
	db    *backend.Backend
	pool  *pool.Pool
	ended chan string // the input of each job whose Work has returned
	// onWork, if set before the first Submit, is called by each job's Work
	// as it starts, with the job's input.
	onWork func(input string)

	mu        sync.Mutex
	submitted map[string]time.Time // when each job was handed to Submit
	started   map[string]time.Time
	finished  map[string]time.Time
	refused   map[string]bool // Submit returned an error: the job was never accepted
	ids       map[string]pool.JobID
	shutDown  bool
	stoppedAt time.Time // when Shutdown returned
}

// newRig starts a pool shaped by cfg, whose jobs call a database set up
// with opts: a job's input is the database request.
func newRig(t *testing.T, cfg pool.Config, opts ...backend.Option) *rig {
	r := &rig{
		t:         t,
		start:     time.Now(),
		tl:        timeline.New(),
		db:        backend.New("database", opts...),
		ended:     make(chan string, 1000), // room for every job: Work never waits for the test
		submitted: map[string]time.Time{},
		started:   map[string]time.Time{},
		finished:  map[string]time.Time{},
		refused:   map[string]bool{},
		ids:       map[string]pool.JobID{},
	}
	r.pool = pool.New(r.work, cfg)
	return r
}

// work is the pool's Work: it draws the job on the timeline and calls the
// database. A job whose input contains "fails" fails once the call is done.
// One whose input contains "ignores its context" calls the database with a
// context that is never done, as a driver that never looks at it would.
// One whose input contains "commits" is in the middle of a write when its
// context ends: it takes 200ms more to commit it, then returns its result.
func (r *rig) work(ctx context.Context, input string) (string, error) {
	now := time.Now()
	r.mu.Lock()
	r.started[input] = now
	queued, ok := r.submitted[input]
	r.mu.Unlock()
	if ok && now.After(queued) {
		r.tl.Add(input+" queued", queued, now)
	}
	if r.onWork != nil {
		r.onWork(input)
	}
	end := r.tl.Begin(input + " working")
	callCtx := ctx
	if strings.Contains(input, "ignores its context") {
		callCtx = context.WithoutCancel(ctx)
	}
	out, err := r.db.Call(callCtx, input)
	if err != nil && ctx.Err() != nil && strings.Contains(input, "commits") {
		time.Sleep(commitTime)
		out, err = "committed "+input, nil
	}
	end()
	r.mu.Lock()
	r.finished[input] = time.Now()
	r.mu.Unlock()
	r.ended <- input
	if err == nil && strings.Contains(input, "fails") {
		return "", fmt.Errorf("%s: %w", input, errBroken)
	}
	return out, err
}

// A submission is what one Submit call returned, and how long its caller
// waited for it.
type submission struct {
	input  string
	id     pool.JobID
	err    error
	waited time.Duration
}

// goSubmit calls Submit in a goroutine of its own, as a client would; the
// answer arrives on the returned channel. A panic inside Submit comes back
// as an error wrapping errPanicked.
func (r *rig) goSubmit(input string) <-chan submission {
	out := make(chan submission, 1)
	r.mu.Lock()
	r.submitted[input] = time.Now()
	r.mu.Unlock()
	go func() {
		s := submission{input: input}
		start := time.Now()
		defer func() {
			if v := recover(); v != nil {
				s.err = fmt.Errorf("Submit(%q) %w: %v", input, errPanicked, v)
			}
			s.waited = time.Since(start)
			r.mu.Lock()
			if s.err != nil {
				r.refused[input] = true
			} else {
				r.ids[input] = s.id
			}
			r.mu.Unlock()
			out <- s
		}()
		s.id, s.err = r.pool.Submit(input)
	}()
	return out
}

// submit calls Submit and waits for its answer.
func (r *rig) submit(input string) submission {
	r.t.Helper()
	return r.await(r.goSubmit(input))
}

// await waits for a Submit's answer, for at most patience, and stops the
// test if Submit panicked or never answered.
func (r *rig) await(c <-chan submission) submission {
	r.t.Helper()
	select {
	case s := <-c:
		if errors.Is(s.err, errPanicked) {
			r.t.Fatalf("%v.\nA send on a closed channel panics: Shutdown closed the queue while a Submit could "+
				"still send on it. Close a channel only when no sender can use it any more, and make Submit "+
				"look at a closing signal instead\n%s", s.err, r.picture())
		}
		return s
	case <-time.After(patience):
		r.t.Fatalf("Submit(...) was still waiting after %v; a Submit waits only while the queue is full, "+
			"and never once Shutdown has begun\n%s", patience, r.picture())
	}
	panic("unreachable")
}

// A stop is what one Shutdown call returned, and how long it took.
type stop struct {
	report pool.Report
	err    error
	waited time.Duration
}

// goShutdown calls Shutdown in a goroutine of its own; the answer arrives
// on the returned channel. A panic comes back as an error wrapping
// errPanicked.
func (r *rig) goShutdown(ctx context.Context) <-chan stop {
	r.mu.Lock()
	r.shutDown = true
	r.mu.Unlock()
	out := make(chan stop, 1)
	go func() {
		var s stop
		start := time.Now()
		end := r.tl.Begin("Shutdown")
		defer func() {
			if v := recover(); v != nil {
				s.err = fmt.Errorf("Shutdown %w: %v", errPanicked, v)
			}
			end()
			s.waited = time.Since(start)
			r.mu.Lock()
			r.stoppedAt = time.Now()
			r.mu.Unlock()
			out <- s
		}()
		s.report, s.err = r.pool.Shutdown(ctx)
	}()
	return out
}

// shutdown calls Shutdown and waits for it.
func (r *rig) shutdown(ctx context.Context) stop {
	r.t.Helper()
	return r.awaitShutdown(r.goShutdown(ctx))
}

// awaitShutdown waits for Shutdown to return, for at most patience.
func (r *rig) awaitShutdown(c <-chan stop) stop {
	r.t.Helper()
	select {
	case s := <-c:
		if errors.Is(s.err, errPanicked) {
			r.t.Fatalf("%v\n%s", s.err, r.picture())
		}
		return s
	case <-time.After(patience):
		r.t.Fatalf("Shutdown was still waiting after %v, for jobs that take seconds\n%s", patience, r.picture())
	}
	panic("unreachable")
}

// waitForWork waits until n jobs' Work has returned (for at most
// patience), then lets the workers record how the jobs ended.
func (r *rig) waitForWork(n int) {
	r.t.Helper()
	giveUp := time.After(patience)
	for i := range n {
		select {
		case <-r.ended:
		case <-giveUp:
			r.t.Fatalf("after %v only %d of %d jobs had been done; the others are still waiting for a worker\n%s",
				patience, i, n, r.picture())
		}
	}
	synctest.Wait()
}

// finish ends the test cleanly: it shuts the pool down if the test did not
// (waiting for every job), then sleeps past any work still running
// (virtual time costs nothing). In correct code every worker has then
// returned. A worker still waiting on the queue after Shutdown is a leak,
// and the bubble panics: "blocked goroutines remain".
func (r *rig) finish() {
	r.mu.Lock()
	shutDown := r.shutDown
	r.mu.Unlock()
	if !shutDown {
		select {
		case <-r.goShutdown(context.Background()):
		case <-time.After(patience):
		}
	}
	time.Sleep(time.Hour)
	synctest.Wait()
}

// at sleeps until d after the rig started, then lets everything due at
// that instant happen before the test looks.
func (r *rig) at(d time.Duration) {
	time.Sleep(time.Until(r.start.Add(d)))
	synctest.Wait()
}

// since is how long after the rig started t was.
func (r *rig) since(t time.Time) time.Duration { return t.Sub(r.start) }

// queueWaits returns how long each job waited between Submit and the start
// of its Work ("never started" for a job that did not start).
func (r *rig) queueWaits(inputs []string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, in := range inputs {
		started, ok := r.started[in]
		if !ok {
			out = append(out, "never started")
			continue
		}
		out = append(out, started.Sub(r.submitted[in]).String())
	}
	return out
}

// lastFinish is when the last job's Work returned, after the rig started.
func (r *rig) lastFinish() time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var last time.Duration
	for _, t := range r.finished {
		last = max(last, r.since(t))
	}
	return last
}

// rounds summarises, for many jobs, how many finished at each instant,
// five instants a line:
//
//	jobs finished at
//	   1s: 10 jobs   2s: 10 jobs   …
func (r *rig) rounds() string {
	r.mu.Lock()
	count := map[time.Duration]int{}
	for _, t := range r.finished {
		count[r.since(t)]++
	}
	r.mu.Unlock()
	instants := make([]time.Duration, 0, len(count))
	for d := range count {
		instants = append(instants, d)
	}
	slices.Sort(instants)
	var b strings.Builder
	b.WriteString("jobs finished at")
	for i, d := range instants {
		if i == 15 {
			fmt.Fprintf(&b, "\n   … (%d instants in all)", len(instants))
			break
		}
		if i%5 == 0 {
			b.WriteString("\n")
		}
		noun := "jobs"
		if count[d] == 1 {
			noun = "job "
		}
		fmt.Fprintf(&b, "%6v: %2d %s", d, count[d], noun)
	}
	return strings.TrimRight(strings.ReplaceAll(b.String(), " \n", "\n"), " ")
}

// picture draws the timeline, with a row for every job that was accepted
// (or is still being submitted) and never started: still waiting, or, if
// Shutdown gave up on it, queued until then.
func (r *rig) picture() string {
	spans := r.tl.Spans()
	r.mu.Lock()
	type waiting struct {
		input string
		since time.Time
		id    pool.JobID
	}
	var left []waiting
	for in, t := range r.submitted {
		if _, ok := r.started[in]; !ok && !r.refused[in] {
			left = append(left, waiting{in, t, r.ids[in]})
		}
	}
	stoppedAt := r.stoppedAt
	r.mu.Unlock()
	var never []timeline.Span
	for _, w := range left {
		span := timeline.Span{Who: w.input + " queued", Start: w.since}
		if st, err := r.pool.Status(w.id); err == nil && st.State == pool.Unfinished && !stoppedAt.IsZero() {
			span.Who, span.End = w.input+" queued, never run", stoppedAt
		}
		never = append(never, span)
	}
	// Rows that start at the same instant come in a fixed order: by job
	// number, Shutdown after the jobs. Goroutines that wake at the same
	// virtual instant run in no fixed order, so the order the spans were
	// recorded in changes from run to run; the picture must not.
	spans = append(spans, never...)
	slices.SortStableFunc(spans, func(a, b timeline.Span) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		if c := jobNumber(a.Who) - jobNumber(b.Who); c != 0 {
			return c
		}
		return strings.Compare(a.Who, b.Who)
	})
	return timeline.Render(r.tl.Origin(), time.Now(), spans)
}

// jobNumber is n for a row about "job n …", and more than any job's for
// another row (Shutdown).
func jobNumber(who string) int {
	var n int
	if _, err := fmt.Sscanf(who, "job %d", &n); err != nil {
		return math.MaxInt32
	}
	return n
}

// states returns the state of each job, as strings, for one readable diff.
func (r *rig) states(ids []pool.JobID) []string {
	r.t.Helper()
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		st, err := r.pool.Status(id)
		switch {
		case errors.Is(err, pool.ErrUnknownJob):
			out = append(out, "forgotten")
		case err != nil:
			out = append(out, err.Error())
		default:
			out = append(out, st.State.String())
		}
	}
	return out
}

// jobs names n jobs "job 1" … "job n".
func jobs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("job %d", i+1)
	}
	return out
}

// submitAll submits the inputs one after the other and returns their IDs;
// every one must be accepted.
func (r *rig) submitAll(inputs []string) []pool.JobID {
	r.t.Helper()
	ids := make([]pool.JobID, 0, len(inputs))
	for _, in := range inputs {
		s := r.submit(in)
		if s.err != nil {
			r.t.Fatalf("Submit(%q): %v; before Shutdown, every job should be accepted\n%s", in, s.err, r.picture())
		}
		ids = append(ids, s.id)
	}
	return ids
}

// repeat returns n copies of s.
func repeat(s string, n int) []string { return slices.Repeat([]string{s}, n) }
