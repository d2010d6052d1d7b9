package progress

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

const pkg = "github.com/wherewaiting/workshop/lessons/"

func TestLineSaysItBuildsThenCountsBuiltAndFinishedPackages(t *testing.T) {
	b := &Bar{what: "testing 3 lessons", total: 3, begun: time.Now()}
	if got, want := b.Line(0), "⠋ testing 3 lessons: building"; got != want {
		t.Errorf("Line at the start = %q, want %q: a warm build is over before the first build's cost means anything", got, want)
	}
	b.begun = time.Now().Add(-ColdAfter)
	if got, want := b.Line(0), "⠋ testing 3 lessons: building (the first time: about 100 CPU-seconds)"; got != want {
		t.Errorf("Line after %v = %q, want %q", ColdAfter, got, want)
	}
	if n := utf8.RuneCountInString(b.Line(0)); n > Width {
		t.Errorf("the building line is %d runes, want at most %d: the learner must read how long it takes", n, Width)
	}
	for _, p := range []string{"00-warmup", "01-blocking-chain"} {
		b.Event(testjson.Event{Action: "start", Package: pkg + p})
	}
	if got, want := b.Line(0), "⠋ testing 3 lessons: 2 of 3 built, 0 finished"; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
	b.Event(testjson.Event{Action: "run", Package: pkg + "00-warmup", Test: "TestA"})
	b.Event(testjson.Event{Action: "fail", Package: pkg + "00-warmup", Test: "TestA"})
	b.Event(testjson.Event{Action: "pass", Package: pkg + "00-warmup"})
	b.Event(testjson.Event{Action: "fail", Package: pkg + "01-blocking-chain"})
	if got, want := b.Line(1), "⠙ testing 3 lessons: 2 of 3 built, 2 finished (00-warmup, 01-blocking-chain)"; got != want {
		t.Errorf("Line = %q, want %q", got, want)
	}
}

func TestLineNeverWraps(t *testing.T) {
	b := &Bar{what: "testing 12 lessons", total: 12}
	for _, n := range []string{"00-warmup", "01-blocking-chain", "02-deadlines", "03-fan-out", "04-retries", "05-circuit-breaker"} {
		b.Event(testjson.Event{Action: "start", Package: pkg + n})
		b.Event(testjson.Event{Action: "pass", Package: pkg + n})
	}
	got := b.Line(0)
	if n := utf8.RuneCountInString(got); n > Width {
		t.Errorf("Line is %d runes, want at most %d: %q", n, Width, got)
	}
	if !strings.HasSuffix(got, "05-circuit-breaker)") && !strings.HasSuffix(got, "…") {
		t.Errorf("Line = %q, want the latest packages or an ellipsis", got)
	}
}

func TestWithoutATerminalItPrintsPlainLines(t *testing.T) {
	var out strings.Builder
	b := Start(&out, false, "testing 3 lessons", 3)
	b.Event(testjson.Event{Action: "pass", Package: pkg + "00-warmup"})
	b.Note("running 2 tests one at a time")
	b.Stop()
	b.Stop()
	got := out.String()
	if strings.Contains(got, "\r") || strings.Contains(got, "\033") {
		t.Errorf("output has terminal controls: %q", got)
	}
	if lines := strings.Count(got, "\n"); lines != 1 {
		t.Errorf("got %d lines, want 1 (the note): %q", lines, got)
	}
	if strings.Contains(got, "CPU time") {
		t.Errorf("a run that was over in %v spoke of the first build: %q", ColdAfter, got)
	}
}

func TestOnATerminalStopClearsTheLine(t *testing.T) {
	var out testkit.SyncBuffer // the drawing goroutine writes it
	b := Start(&out, true, "testing 3 lessons", 3)
	b.Stop()
	got := out.String()
	if !strings.HasPrefix(got, ansi.ClearLine+"⠋ testing 3 lessons") || !strings.HasSuffix(got, ansi.ClearLine) {
		t.Errorf("output = %q, want a drawn line, then cleared", got)
	}
}

func TestWithoutATerminalALongRunSaysNowAndThenThatItGoesOn(t *testing.T) {
	var out testkit.SyncBuffer // the loop writes it
	was, wasCold := Every, ColdAfter
	Every, ColdAfter = 5*time.Millisecond, time.Millisecond
	defer func() { Every, ColdAfter = was, wasCold }()
	b := Start(&out, false, "testing 03-fan-out", 1)
	for !strings.Contains(out.String(), "still working after") || !strings.Contains(out.String(), "CPU time") {
		time.Sleep(time.Millisecond)
	}
	b.Stop()
	got := out.String()
	if want := "testing 03-fan-out: building (" + FirstBuild + "; later runs take seconds)…\n"; strings.Count(got, want) != 1 {
		t.Errorf("output %q, want once the first build's cost in CPU time: %q", got, want)
	}
	if want := "testing 03-fan-out: still working after 0 s (building)…\n"; !strings.Contains(got, want) {
		t.Errorf("output %q, want %q", got, want)
	}
	b.Event(testjson.Event{Action: "start", Package: pkg + "03-fan-out"})
	if got, want := b.plainLine(95*time.Second), "testing 03-fan-out: still working after 95 s (1 of 1 built, 0 finished)…"; got != want {
		t.Errorf("plainLine = %q, want %q", got, want)
	}
}
