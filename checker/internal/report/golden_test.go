package report

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/recorded"
)

// recordedEntries grades every lesson of the recorded run of all lessons,
// with the recorded go vet, as `go run ./checker` would before it re-runs
// crashed tests alone.
func recordedEntries(t *testing.T) []Entry {
	run := recorded.Stream(t, "interleaved")
	vet, err := (&recorded.Runner{VetStream: "vet-lostcancel"}).Vet(context.Background(), gotest.Request{})
	if err != nil {
		t.Fatal(err)
	}
	var results []grade.Lesson
	for _, dir := range []string{
		"01-pass", "02-fail", "03-nocompile", "04-vet", "05-panic", "06-hang",
		"07-exit", "08-race", "09-leak", "10-leakmain", "11-bubbleleak", "12-bubbleblocked",
		"14-raceboth", "15-inithang", "16-leakadvice", "17-lostcancel", "18-initpanic",
		"19-lockhang", "20-deferpanic", "21-subtestleak",
	} {
		l := recorded.Lesson(t, dir)
		g := grade.Grade(grade.Input{
			Lesson:  l,
			Package: run.Package(l.ImportPath()),
			Diff:    manifest.Diff{Known: true},
		})
		results = append(results, g.WithVet(grade.Vet(vet[l.ImportPath()], grade.Context(l.Root, l.ID))))
	}
	return Entries(results, nil)
}

// The text a learner reads, for every way a lesson can fail: compare with
// testdata/*.golden, or rewrite them with go test -update.
func TestSummaryAndDetailOfRecordedLessons(t *testing.T) {
	entries := recordedEntries(t)
	opt := Options{RaceChecked: true, All: true}
	var summary bytes.Buffer
	Summary(&summary, entries, opt)
	recorded.Golden(t, "summary.golden", summary.Bytes())

	each := func(command string, write func(io.Writer, Entry, Options)) []byte {
		var out bytes.Buffer
		for _, e := range entries {
			if e.Result != nil {
				fmt.Fprintf(&out, "━━━ %s %s\n", command, e.Number)
				write(&out, e, opt)
			}
		}
		return out.Bytes()
	}
	recorded.Golden(t, "detail.golden", each("go run ./checker", Detail))
	recorded.Golden(t, "focus.golden", each("watch on", Focus))
}
