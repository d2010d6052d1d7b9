package warmup_test

import (
	"fmt"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// patience is how long, in virtual time, a test waits for something that
// should happen at once before it gives up and says so. Inside a bubble it
// costs nothing: the clock only jumps when every goroutine is stuck.
const patience = time.Minute

// leftBehind reports, as goleak prints them, the goroutines started since
// before was taken (with goleak.IgnoreCurrent at the start of the bubble)
// that are still alive; "" if there are none. Call synctest.Wait first, so
// that every goroutine has either exited or is stuck for good.
func leftBehind(before goleak.Option) string {
	if err := goleak.Find(before); err != nil {
		return err.Error()
	}
	return ""
}

// readAll reads ch until it is closed. It also returns false when, for a
// whole minute of virtual time, nothing arrived and the channel stayed open:
// the reader would have waited forever.
func readAll(ch <-chan string) (got []string, closed bool) {
	got = []string{}
	for {
		select {
		case item, ok := <-ch:
			if !ok {
				return got, true
			}
			got = append(got, item)
		case <-time.After(patience):
			return got, false
		}
	}
}

// A panic in the code under test would crash the whole test binary: the
// tests after it would never run, and their results would vanish. So each
// test contains the panics of the code it calls, and fails alone, saying
// what happened and where. (A panic on a goroutine the code under test
// starts itself cannot be caught here: `go run ./checker 00` then re-runs
// the tests one by one, so that each still gets its own verdict.)

// failOnPanic, deferred first in a test's function, turns a panic on the
// test's own goroutine into a failure of this test alone.
func failOnPanic(t *testing.T) {
	if v := recover(); v != nil {
		t.Fatal(panicked(v))
	}
}

// panicked describes a recovered panic, with the stack of the goroutine
// that raised it; call it in the deferred function that recovered.
func panicked(v any) string {
	return fmt.Sprintf("panic: %v\n\nYour code panicked, so this test stops here (the other tests still run). "+
		"The first lines of the stack below that name a file of yours say where:\n%s", v, debug.Stack())
}

// A trap keeps the first panic raised on the goroutines a test starts.
// Defer trap.catch() first in each of them, then call trap.check(t) on the
// test's goroutine once they are done.
type trap struct {
	mu    sync.Mutex
	first string
}

func (tr *trap) catch() {
	if v := recover(); v != nil {
		tr.mu.Lock()
		defer tr.mu.Unlock()
		if tr.first == "" {
			tr.first = panicked(v)
		}
	}
}

func (tr *trap) check(t *testing.T) {
	t.Helper()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.first != "" {
		t.Fatal(tr.first)
	}
}
