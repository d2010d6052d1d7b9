package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
)

// One is the entry of one graded lesson. todo is its first TODO mark, or
// nil.
func One(r grade.Lesson, todo *lessonsrc.TODO) Entry {
	for _, e := range Entries([]grade.Lesson{r}, map[string]*lessonsrc.TODO{r.Lesson.Name(): todo}) {
		if e.Result != nil {
			return e
		}
	}
	return Entry{} // not reached: Entries keeps every result
}

// Exercise is the verdict on the tests of one exercise.
type Exercise struct {
	N     int // 0 for the tests no exercise names
	Tests []grade.Test
	Bad   int // tests that did not pass
}

// Exercises groups a lesson's tests by exercise, in exercise order (the
// order of Tests), the tests no exercise names last.
func Exercises(r *grade.Lesson) []Exercise {
	var out []Exercise
	at := map[int]int{}
	for _, t := range r.Tests {
		i, ok := at[t.Exercise]
		if !ok {
			i = len(out)
			at[t.Exercise] = i
			out = append(out, Exercise{N: t.Exercise})
		}
		out[i].Tests = append(out[i].Tests, t)
		if !t.Status.OK() {
			out[i].Bad++
		}
	}
	return out
}

// Focus writes one lesson in short, for watch: the first exercise with a
// test that does not pass in full (each of its tests, each failure as the
// detail view shows it), every other exercise in one line. A lesson that
// does not compile shows the compiler's message and no exercise.
func Focus(w io.Writer, e Entry, opt Options) {
	p := painter(opt.Color)
	fmt.Fprintf(w, "%s  %s\n\n", p.paint(bold, e.Number+" · "+e.Title), p.paint(statusColor(e.Status()), StatusText(e)))
	r := e.Result
	if r == nil {
		return
	}
	fmt.Fprint(w, p.raceWarning(opt))
	if r.Diff.TestsChanged() || r.Diff.Outdated() {
		fmt.Fprintf(w, "%s\n\n", p.paint(yellow, "Not done: "+r.ProblemFrom(opt.Place.Path)+"."))
	}
	if r.Status == grade.NotStarted {
		fmt.Fprintf(w, "%s\n\n", sentence(problem(e, opt)+"."))
		ran := false
		for _, t := range r.Tests {
			ran = ran || t.Status != grade.NotRun
		}
		if !ran {
			return // graded from the files alone: no test to show
		}
	}
	if r.Build != nil {
		// The compiler's lines say where and what; the headline would say
		// it a second time.
		what, after := "It does not compile:", "The tests run once it compiles."
		if r.Build.Kind == failure.Vet {
			what, after = "go vet, which go test runs before the tests, stops them:", "The tests run once go vet is content."
		}
		fmt.Fprintf(w, "%s\n", p.paint(red, what))
		details := r.Build.Details
		if len(details) == 0 {
			details = []string{r.Problem()}
		}
		for _, l := range cut(details, 12) {
			fmt.Fprintf(w, "  %s\n", l)
		}
		fmt.Fprintf(w, "\n%s\n", after)
		return
	}
	focused := false
	for _, x := range Exercises(r) {
		name := "other tests"
		if x.N > 0 {
			name = fmt.Sprintf("exercise %d", x.N)
		}
		if x.Bad == 0 {
			fmt.Fprintf(w, "  %s  %s\n", p.paint(green, "✓"), name)
			continue
		}
		verdict := fmt.Sprintf("%d of %d tests do not pass", x.Bad, len(x.Tests))
		if focused {
			fmt.Fprintf(w, "  %s  %s: %s\n", p.paint(red, "✗"), name, verdict)
			continue
		}
		focused = true
		fmt.Fprintf(w, "  %s  %s: %s\n", p.paint(red, "▶"), p.paint(bold, name), verdict)
		for _, t := range x.Tests {
			t.Exercise = 0 // the line above names it
			writeTest(w, p, t, 0, false)
		}
	}
	if vet := newVet(r); len(vet) > 0 {
		writeVet(w, p, e, vet, opt)
	}
	if pk := r.Package; pk != nil {
		fmt.Fprintf(w, "\n%s %s\n", p.paint(red, "Outside any test:"), pk.Headline)
		for _, l := range cut(pk.Details, maxDetail) {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if r.Status == grade.Done {
		fmt.Fprintf(w, "\n%s every test passes, nothing leaks, no race.\n", p.paint(green, "Done:"))
	}
}

// sentence starts a problem that begins with "it" or "not" with a
// capital.
func sentence(s string) string {
	for _, word := range []string{"it ", "not "} {
		if rest, ok := strings.CutPrefix(s, word); ok {
			return strings.ToUpper(word[:1]) + word[1:] + rest
		}
	}
	return s
}

// writeVet shows the full go vet's findings and what to do about them.
func writeVet(w io.Writer, p painter, e Entry, vet []grade.VetFinding, opt Options) {
	fmt.Fprintf(w, "\n%s\n", p.paint(red, "go vet (the full one, which go test does not run) reports:"))
	for _, v := range vet {
		fmt.Fprintf(w, "  %s\n", v.At(opt.Place.Path))
	}
	fmt.Fprintf(w, "Fix the line it names; the lesson is not done while go vet reports anything. %s shows it again.\n",
		p.paint(cyan, vetCommand(e, opt)))
}

// vetCommand is the full go vet of the lesson, as it works here.
func vetCommand(e Entry, opt Options) string {
	return "go vet " + opt.Place.Package(e.Dir())
}
