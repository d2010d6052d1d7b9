package warmup_test

import (
	"runtime"
	"slices"
	"sync"
	"testing"
	"testing/synctest"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/lessons/00-warmup"
)

// Run these with -race: without it, a data race usually goes unnoticed.

func TestEveryVisitIsCounted(t *testing.T) {
	defer goleak.VerifyNone(t)
	// A visit is lost only when two visitors are in the middle of one at
	// the same time. The race detector sees that when they touch plain
	// memory; it sees nothing when each step alone is atomic (an
	// atomic Load, then a Store of the value plus one), and then only a
	// lost visit shows it. So the last case makes collisions near certain:
	// four visitors, let go together, each visiting 100,000 times, on at
	// least four threads, so that they run side by side on a machine with
	// several cores and are switched at any instruction on one with a
	// single core. (Under -race, which slows each atomic step down, that
	// case lost visits of a Load-then-Store counter in 20 of 20 runs, on
	// one core and on two. Without -race a visit takes a few nanoseconds,
	// the visitors seldom overlap, and the count often comes out right:
	// one more reason to run the tests with -race.)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.GOMAXPROCS(0))))
	for _, tc := range []struct{ visitors, visitsEach int }{{100, 100}, {7, 3}, {4, 100_000}} {
		synctest.Test(t, func(t *testing.T) {
			defer failOnPanic(t)
			c, depth := freshCounter()
			var wg sync.WaitGroup
			var tr trap
			start := make(chan struct{})
			for range tc.visitors {
				wg.Go(func() {
					defer tr.catch()
					<-start
					atDepth(depth, func() {
						for range tc.visitsEach {
							c.Visit()
						}
					})
				})
			}
			synctest.Wait() // every visitor is at the door...
			close(start)    // ...and in they come, all at once
			wg.Wait()
			tr.check(t)

			want := tc.visitors * tc.visitsEach
			got := c.Total()
			assert.Equal(t, want, got,
				"%d visitors visited %d times each, at the same time, and the counter lost %d visits: "+
					"two goroutines read the same old value and both wrote back old+1. "+
					"Make them take turns with a mutex, or use sync/atomic's Add, which reads and writes in one step",
				tc.visitors, tc.visitsEach, want-got)
		})
	}
}

func TestTotalCanBeReadWhileVisitorsArrive(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		const visitors, visitsEach = 50, 20
		c, depth := freshCounter()
		var wg sync.WaitGroup
		var tr trap
		seen := make([][]int, visitors) // what each reader saw, in order
		for i := range visitors {
			wg.Go(func() {
				defer tr.catch()
				atDepth(depth, func() {
					for range visitsEach {
						c.Visit()
					}
				})
			})
			wg.Go(func() { // someone watching the page's counter meanwhile
				defer tr.catch()
				atDepth(depth, func() {
					for range visitsEach {
						seen[i] = append(seen[i], c.Total())
					}
				})
			})
		}
		wg.Wait()
		tr.check(t)

		assert.Equal(t, visitors*visitsEach, c.Total(), "visits counted while others were reading the total")
		for i, totals := range seen {
			assert.True(t, slices.IsSorted(totals),
				"reader %d saw the total go backwards: %v; a total must only grow", i, totals)
			assert.LessOrEqual(t, totals[len(totals)-1], visitors*visitsEach,
				"reader %d saw more visits than ever happened: %v", i, totals)
		}
	})
}

// The race detector reports a race between the same two call stacks only
// once per test binary, so with `go test -count=N` the runs after the first
// would let a racy counter pass. To give every run its own report, each run
// uses the counter from one frame deeper than the run before (new stacks),
// and every counter is kept (new addresses).
var runs struct {
	sync.Mutex
	depth    int
	counters []*warmup.Counter
}

// freshCounter returns a new counter, and how deep to call it from.
func freshCounter() (*warmup.Counter, int) {
	runs.Lock()
	defer runs.Unlock()
	runs.depth++
	c := new(warmup.Counter)
	runs.counters = append(runs.counters, c)
	return c, runs.depth
}

// atDepth calls f from depth more frames down the stack.
func atDepth(depth int, f func()) {
	if depth <= 0 {
		f()
		return
	}
	atDepth(depth-1, f)
}
