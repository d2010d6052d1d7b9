// Package progress tells the learner that the checker is working: a cold
// `go test -race` of a lesson builds the race runtime and the lesson's
// dependencies first (FirstBuild), and nothing else shows meanwhile.
//
// On a terminal it keeps one line up to date (a spinner, then how many
// lessons are built and finished, and which); elsewhere it prints a plain
// line at the start and another every Every while the run lasts, so a log
// stays readable and a long first build is never minutes of silence.
package progress

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Bar shows the progress of one go test run.
type Bar struct {
	w     io.Writer
	tty   bool
	what  string // "testing 3 lessons"
	total int

	begun time.Time

	mu       sync.Mutex
	frame    int
	started  int      // packages whose test binary started: built
	finished []string // short package names, in finishing order
	note     string
	shown    bool // a line is on screen and must be cleared

	stop chan struct{}
	done chan struct{}
}

// Width is the most a progress line may take, so that it never wraps on
// an 80-column terminal.
const Width = 79

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// FirstBuild says how long the first build of a lesson takes: go test
// -race compiles the race runtime, testify and goleak once (measured on a
// fresh copy: about 100 s of CPU time), then each lesson in seconds. On
// two cores that is at least 50 s, and far more on a busy machine, so it
// is said in CPU time. README.md says the same.
const (
	FirstBuild      = "the first build with -race takes about 100 s of CPU time: a minute or more on two cores, more on a busy machine"
	firstBuildShort = "the first time: about 100 CPU-seconds"
)

// Every is how often a run without a terminal says it is still working.
var Every = 20 * time.Second

// ColdAfter is how long a run goes on building before the bar says what a
// first build costs (FirstBuild). With a warm build cache a lesson's test
// binary starts within a second or two, and the notice would only
// mislead; a cold build is still at it then, for a minute or more.
var ColdAfter = 3 * time.Second

// Start shows progress for a run that covers total packages. tty says
// whether w is a terminal. Call Stop when the run ends.
func Start(w io.Writer, tty bool, what string, total int) *Bar {
	b := &Bar{w: w, tty: tty, what: what, total: total, begun: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	if !tty {
		go b.plainLoop(Every)
		return b
	}
	go b.loop()
	return b
}

// plainLoop prints, if the run is still building after ColdAfter, what a
// first build costs, then, every interval until Stop, a line that says the
// run goes on and how far it is.
func (b *Bar) plainLoop(interval time.Duration) {
	defer close(b.done)
	cold := time.NewTimer(ColdAfter)
	defer cold.Stop()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-b.stop:
			return
		case <-cold.C:
			b.mu.Lock()
			if b.building() {
				fmt.Fprintf(b.w, "%s: building (%s; later runs take seconds)…\n", b.what, FirstBuild)
			}
			b.mu.Unlock()
			continue
		case <-tick.C:
		}
		b.mu.Lock()
		fmt.Fprintln(b.w, b.plainLine(time.Since(b.begun)))
		b.mu.Unlock()
	}
}

// plainLine is the line a run without a terminal prints now and then.
func (b *Bar) plainLine(elapsed time.Duration) string {
	s := fmt.Sprintf("%s: still working after %d s", b.what, int(elapsed.Round(time.Second)/time.Second))
	switch {
	case b.note != "":
		s += " (" + b.note + ")"
	case b.total > 0 && b.started == 0:
		s += " (building)"
	case b.total > 0:
		s += fmt.Sprintf(" (%d of %d built, %d finished)", b.started, b.total, len(b.finished))
	}
	return s + "…"
}

func (b *Bar) loop() {
	defer close(b.done)
	tick := time.NewTicker(120 * time.Millisecond)
	defer tick.Stop()
	for {
		b.mu.Lock()
		b.draw()
		b.frame++
		b.mu.Unlock()
		select {
		case <-b.stop:
			return
		case <-tick.C:
		}
	}
}

func (b *Bar) draw() {
	fmt.Fprint(b.w, ansi.ClearLine+b.Line(b.frame))
	b.shown = true
}

// Line renders the progress line for a spinner frame.
func (b *Bar) Line(frame int) string {
	var s strings.Builder
	s.WriteString(spinner[frame%len(spinner)] + " " + b.what)
	switch {
	case b.note != "":
		s.WriteString(": " + b.note)
	case b.building() && time.Since(b.begun) >= ColdAfter:
		s.WriteString(": building (" + firstBuildShort + ")")
	case b.building():
		s.WriteString(": building")
	case b.total > 0:
		fmt.Fprintf(&s, ": %d of %d built, %d finished", b.started, b.total, len(b.finished))
		if n := len(b.finished); n > 0 {
			s.WriteString(" (" + strings.Join(b.finished[max(0, n-3):], ", ") + ")")
		}
	}
	return truncate(s.String(), Width)
}

// building reports whether no test binary has started yet, nor any later
// work: the run is still compiling. b.mu must be held.
func (b *Bar) building() bool { return b.total > 0 && b.started == 0 && b.note == "" }

func truncate(s string, width int) string {
	if utf8.RuneCountInString(s) <= width {
		return s
	}
	r := []rune(s)
	return string(r[:width-1]) + "…"
}

// Event records a go test event: a package whose test binary starts is
// built; one that passed, failed or was skipped is finished.
func (b *Bar) Event(e testjson.Event) {
	if e.Test != "" || e.Package == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	switch e.Action {
	case "start":
		b.started++
	case "pass", "fail", "skip":
		b.finished = append(b.finished, e.Package[strings.LastIndex(e.Package, "/")+1:])
	}
}

// Note replaces the count with a message, for work after the main run
// ("running 3 tests alone"). Without a terminal it prints the message.
func (b *Bar) Note(msg string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.note = msg
	if !b.tty {
		fmt.Fprintln(b.w, msg+"…")
	}
}

// Stop ends the display and clears the line. It is safe to call twice.
func (b *Bar) Stop() {
	b.mu.Lock()
	select {
	case <-b.stop:
	default:
		close(b.stop)
	}
	b.mu.Unlock()
	<-b.done
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown {
		fmt.Fprint(b.w, ansi.ClearLine)
		b.shown = false
	}
}
