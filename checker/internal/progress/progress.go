// Package progress tells the learner that the checker is working: a cold
// `go test -race` of a lesson builds the race runtime and the lesson's
// dependencies first (FirstBuild), and nothing else shows meanwhile.
//
// On a terminal it keeps one line up to date (a spinner, then how many
// lessons are built and finished, and which); elsewhere it prints a plain
// line now and then, so a log stays readable.
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

// FirstBuild says how long the first build of a lesson takes, measured on
// two cores: go test -race compiles the race runtime, testify and goleak
// once, then each lesson in seconds.
const FirstBuild = "a first build with -race takes about 40 s"

// Start shows progress for a run that covers total packages. tty says
// whether w is a terminal. Call Stop when the run ends.
func Start(w io.Writer, tty bool, what string, total int) *Bar {
	b := &Bar{w: w, tty: tty, what: what, total: total, stop: make(chan struct{}), done: make(chan struct{})}
	if !tty {
		fmt.Fprintf(w, "%s: building (%s; later runs take seconds)…\n", what, FirstBuild)
		close(b.done)
		return b
	}
	go b.loop()
	return b
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
	case b.total > 0 && b.started == 0:
		s.WriteString(": building (" + FirstBuild + ")")
	case b.total > 0:
		fmt.Fprintf(&s, ": %d of %d built, %d finished", b.started, b.total, len(b.finished))
		if n := len(b.finished); n > 0 {
			s.WriteString(" (" + strings.Join(b.finished[max(0, n-3):], ", ") + ")")
		}
	}
	return truncate(s.String(), Width)
}

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
