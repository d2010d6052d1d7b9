package gotest

import (
	"encoding/json"
	"fmt"
	"path"
	"runtime"
	"sync"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// A test binary that never gets to its first test, because code in an
// init function or a package-level variable never returns, is not stopped
// by -timeout: the testing package starts that clock with the tests. The
// go command kills such a binary only a minute after -timeout, and a
// binary killed without a goroutine dump says nothing of where it waits.
//
// A stall watch stops it sooner. It follows the events of a run: when a
// package's test binary has started ("start") and StartLimit later none of
// its tests has, it sends the binary SIGQUIT, on which the Go runtime
// prints every goroutine's stack and exits. After the run, the package's
// output ends with a line that says so (see Stopped). Where processes
// cannot be listed (Windows), the go command's own kill remains.

// Stopped begins the line a stall watch adds to the output of a package
// whose test binary it stopped. The go command's own kill, a minute after
// -timeout, prints "*** Test killed with quit: ran too long (…)."; both
// mean the binary ran, and waited, for too long.
const Stopped = "*** Test killed"

// stallWatch stops the test binaries of one go test run that do not get
// to their first test in time.
type stallWatch struct {
	limit time.Duration
	goPID int // the go command, whose children the test binaries are

	mu      sync.Mutex
	timers  map[string]*time.Timer // by import path, while no test has started
	stopped []string               // import paths, in the order they were stopped
	closed  bool
}

func newStallWatch(limit time.Duration, goPID int) *stallWatch {
	return &stallWatch{limit: limit, goPID: goPID, timers: map[string]*time.Timer{}}
}

// event follows one event of the run.
func (w *stallWatch) event(e testjson.Event) {
	if e.Package == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case e.Test == "" && e.Action == "start":
		if !w.closed {
			pkg := e.Package
			w.timers[pkg] = time.AfterFunc(w.limit, func() { w.fire(pkg) })
		}
	case e.Test != "", e.Action == "pass", e.Action == "fail", e.Action == "skip":
		if t := w.timers[e.Package]; t != nil {
			t.Stop()
			delete(w.timers, e.Package)
		}
	}
}

// fire stops the test binary of pkg, if no test of it started meanwhile.
func (w *stallWatch) fire(pkg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if _, waiting := w.timers[pkg]; !waiting || w.closed {
		return
	}
	delete(w.timers, pkg)
	pids, err := childrenNamed(w.goPID, BinaryName(pkg))
	if err != nil {
		return // the go command's own kill, a minute after -timeout, remains
	}
	for _, pid := range pids {
		if quit(pid) == nil {
			w.stopped = append(w.stopped, pkg)
		}
	}
}

// close stops watching and returns the packages whose binary it stopped.
func (w *stallWatch) close() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.closed = true
	for pkg, t := range w.timers {
		t.Stop()
		delete(w.timers, pkg)
	}
	return w.stopped
}

// stoppedLine is the event a stall watch adds to the output of a package
// whose binary it stopped, as one line of go test -json.
func (w *stallWatch) stoppedLine(pkg string) []byte {
	line, _ := json.Marshal(testjson.Event{
		Time:    time.Now(),
		Action:  "output",
		Package: pkg,
		Output:  fmt.Sprintf("%s with quit: no test started within %v.\n", Stopped, w.limit),
	})
	return line
}

// BinaryName is the file name the go command gives the test binary of the
// package importPath.
func BinaryName(importPath string) string {
	name := path.Base(importPath) + ".test"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	return name
}
