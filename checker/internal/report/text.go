package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/grade"
)

// Summary writes one line per lesson, the score and the next step.
func Summary(w io.Writer, entries []Entry, opt Options) {
	p := painter(opt.Color)
	fmt.Fprintln(w, p.paint(bold, "Where Waiting Lives — your progress"))
	fmt.Fprintln(w)
	titleWidth := 0
	for _, e := range entries {
		titleWidth = max(titleWidth, len([]rune(e.Title)))
	}
	for _, e := range entries {
		title := e.Title + strings.Repeat(" ", titleWidth-len([]rune(e.Title)))
		line := fmt.Sprintf("  %s  %s  %s", e.Number, title, p.paint(statusColor(e.Status()), StatusText(e)))
		if e.Result == nil {
			line = p.paint(dim, fmt.Sprintf("  %s  %s  %s", e.Number, title, StatusText(e)))
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintln(w)
	done, total := Score(entries)
	fmt.Fprintf(w, "  %s  %d of %d lessons done (%d%%)\n\n", p.bar(done, total, 24), done, total, percent(done, total))
	fmt.Fprint(w, p.raceWarning(opt))
	writeNext(w, p, Next(entries, opt), entries)
}

func writeNext(w io.Writer, p painter, step *Step, entries []Entry) {
	if step == nil {
		soon := 0
		for _, e := range entries {
			if e.Result == nil {
				soon++
			}
		}
		done, _ := Score(entries)
		switch {
		case done == 0:
			fmt.Fprintln(w, "No lesson is written yet: come back soon.")
		case soon == 1:
			fmt.Fprintf(w, "%s Every lesson written so far is done; 1 more is coming soon.\n", p.paint(green, "Well done!"))
		case soon > 0:
			fmt.Fprintf(w, "%s Every lesson written so far is done; %d more are coming soon.\n", p.paint(green, "Well done!"), soon)
		default:
			fmt.Fprintf(w, "%s All %d lessons are done.\n", p.paint(green, "Well done!"), done)
		}
		return
	}
	e := step.Entry
	fmt.Fprintf(w, "%s %s · %s: %s\n", p.paint(bold, "Next:"), e.Number, e.Title, step.Problem)
	p.commands(w, step.Commands)
}

// maxDetail caps the lines shown for one failure; a long diff is cut.
const maxDetail = 30

// Detail writes one lesson: each test with its verdict and, for each
// failure, the part that matters; then the hints pointer and what to do.
func Detail(w io.Writer, e Entry, opt Options) {
	p := painter(opt.Color)
	fmt.Fprintf(w, "%s  %s\n\n", p.paint(bold, e.Number+" · "+e.Title), p.paint(statusColor(e.Status()), StatusText(e)))
	r := e.Result
	if r == nil {
		fmt.Fprintf(w, "This lesson is not written yet: it is coming soon.\n")
		return
	}
	fmt.Fprint(w, p.raceWarning(opt))
	if r.Diff.TestsChanged() {
		writeChanged(w, p, r, opt)
	} else if r.Diff.Outdated() {
		writeOlder(w, p, r, opt)
	}
	if !r.Diff.Known {
		fmt.Fprintln(w, p.paint(yellow, "The checker's manifest does not list this lesson, so changed tests cannot be detected (maintainers: run `"+opt.Place.Checker()+" manifest`)."))
		fmt.Fprintln(w)
	}
	if !r.Ran() {
		fmt.Fprintln(w, "Its tests were not run: its files are exactly as shipped, and the starter fails them.")
		fmt.Fprintln(w)
	}
	if r.Build != nil {
		what := "It does not compile"
		if r.Build.Kind == failure.Vet {
			what = "go vet (run by go test before the tests) found a problem"
		}
		fmt.Fprintf(w, "%s:\n", p.paint(red, what))
		for _, l := range cut(r.Build.Details, 12) {
			fmt.Fprintf(w, "  %s\n", l)
		}
		fmt.Fprintln(w)
	}
	width := 0
	for _, t := range r.Tests {
		width = max(width, len(t.Name))
	}
	// Lead with the exercise the learner is on; fold the failing tests of
	// the others to their one line.
	focus := 0
	if t := r.FirstProblem(); t != nil && !opt.All {
		focus = t.Exercise
	}
	folded := 0
	for _, t := range r.Tests {
		fold := focus != 0 && t.Exercise != focus && !t.Status.OK() && t.Status != grade.NotRun
		if fold {
			folded++
		}
		writeTest(w, p, t, width, r.Build != nil || r.StoppedBeforeTests() || fold)
	}
	if len(r.Tests) > 0 {
		fmt.Fprintln(w)
	}
	if folded > 0 {
		others, them := "failing tests of other exercises are", "them"
		if folded == 1 {
			others, them = "failing test of another exercise is", "it"
		}
		fmt.Fprintf(w, "Exercise %d first: %d %s folded (%s shows %s in full).\n\n",
			focus, folded, others, p.paint(cyan, fmt.Sprintf("%s %s -all", opt.Place.Checker(), e.Number)), them)
	}
	if vet := newVet(r); len(vet) > 0 {
		fmt.Fprintf(w, "%s\n", p.paint(red, "go vet (the full one, which go test does not run) reports:"))
		for _, v := range vet {
			fmt.Fprintf(w, "  %s\n", v.At(opt.Place.Path))
		}
		fmt.Fprintln(w)
	}
	if pk := r.Package; pk != nil {
		fmt.Fprintf(w, "%s %s\n", p.paint(red, "Outside any test:"), pk.Headline)
		for _, l := range cut(pk.Details, maxDetail) {
			fmt.Fprintf(w, "  %s\n", l)
		}
		fmt.Fprintln(w)
	}
	if r.Status == grade.Done {
		fmt.Fprintf(w, "%s every test passes, nothing leaks, no race.\n", p.paint(green, "Done:"))
		return
	}
	if hint := hintPointer(e, opt); hint != "" {
		fmt.Fprintln(w, hint)
	}
	fmt.Fprintf(w, "%s %s\n", p.paint(bold, "Next:"), problem(e, opt))
	p.commands(w, Commands(e, opt))
}

func writeChanged(w io.Writer, p painter, r *grade.Lesson, opt Options) {
	fmt.Fprintln(w, p.paint(yellow, "The lesson's test files are not the ones it shipped with, so it cannot count as done:"))
	listFiles(w, "changed ", r.Diff.Changed, "")
	listFiles(w, "deleted ", r.Diff.Missing, "")
	listFiles(w, "added   ", r.Diff.Extra, "")
	if files := r.Diff.Restorable(); len(files) > 0 {
		fmt.Fprintf(w, "Restore them with:\n")
		for i, f := range files {
			files[i] = opt.Place.Path(f)
		}
		p.commands(w, []string{"git checkout -- " + strings.Join(files, " ")})
	}
	if len(r.Diff.Extra) > 0 {
		fmt.Fprintf(w, "Delete the added files (move your own tests elsewhere).\n")
	}
	writeUnderlying(w, r)
}

func writeOlder(w io.Writer, p painter, r *grade.Lesson, opt Options) {
	fmt.Fprintln(w, p.paint(yellow, "The lesson's test files are from an older version of the workshop, so it cannot count as done:"))
	listFiles(w, "older   ", r.Diff.Older, "")
	listFiles(w, "new     ", r.Diff.Missing, " (not in your copy yet)")
	fmt.Fprintln(w, "Pull the new version; your own changes stay (CHANGELOG.md says what changed):")
	p.commands(w, []string{"git stash", "git pull", "git stash pop"})
	writeUnderlying(w, r)
}

// listFiles writes one line per file: a label, the path, a note.
func listFiles(w io.Writer, label string, files []string, note string) {
	for _, f := range files {
		fmt.Fprintf(w, "  %s %s%s\n", label, f, note)
	}
}

// writeUnderlying says what the tests as they are say, then a blank line.
func writeUnderlying(w io.Writer, r *grade.Lesson) {
	if r.Underlying != "" && r.Underlying != grade.Done {
		fmt.Fprintf(w, "With the tests as they are now, the lesson is: %s.\n", r.Underlying)
	}
	fmt.Fprintln(w)
}

// writeTest writes a test's line and, unless brief, what went wrong.
func writeTest(w io.Writer, p painter, t grade.Test, width int, brief bool) {
	label := strings.ToUpper(string(t.Status))
	if t.Status.OK() {
		label = string(t.Status)
	}
	ex := ""
	if t.Exercise > 0 {
		ex = p.paint(dim, fmt.Sprintf("  exercise %d", t.Exercise))
	}
	fmt.Fprintf(w, "  %s  %-*s%s\n", p.paint(testColor(t.Status), fmt.Sprintf("%-7s", label)), width, t.Name, ex)
	if t.Status.OK() || brief {
		return
	}
	const pad = "           "
	rep := t.Report
	if rep.Headline != "" && !repeats(rep) {
		fmt.Fprintf(w, "%s%s\n", pad, p.paint(bold, rep.Headline))
	}
	if t.Subtest != "" {
		fmt.Fprintf(w, "%ssubtest:   %s\n", pad, t.Subtest)
	}
	if rep.Advice != "" && rep.Advice != rep.Headline {
		fmt.Fprintf(w, "%sthe test says: %s\n", pad, rep.Advice)
	}
	if rep.Where != nil {
		fmt.Fprintf(w, "%syour code: %s (%s)\n", pad, rep.Where.Location(), rep.Where.Func)
		for _, f := range rep.Also {
			fmt.Fprintf(w, "%s           %s (%s)\n", pad, f.Location(), f.Func)
		}
	}
	if rep.TestLine != nil {
		fmt.Fprintf(w, "%stest:      %s\n", pad, rep.TestLine.Location())
	}
	for _, l := range cut(rep.Details, maxDetail) {
		fmt.Fprintf(w, "%s%s\n", pad, l)
	}
	if t.Status == grade.NotRun && rep.Headline == "" {
		fmt.Fprintf(w, "%sthe test binary stopped before this test started\n", pad)
	}
}

// newVet are the full go vet's findings that the build failure does not
// show already: when go test's own vet stopped the build, the full one
// reports the same line again.
func newVet(r *grade.Lesson) []grade.VetFinding {
	var out []grade.VetFinding
	for _, v := range r.Vet {
		shown := false
		if r.Build != nil {
			for _, d := range r.Build.Details {
				shown = shown || strings.HasPrefix(d, v.Where.Location()+":")
			}
		}
		if !shown {
			out = append(out, v)
		}
	}
	return out
}

// repeats reports whether the details already say the headline (testify's
// Messages line), so it is not printed twice.
func repeats(r failure.Report) bool {
	for _, d := range r.Details {
		d = strings.TrimSpace(d)
		if strings.Contains(d, r.Headline) || (d != "" && strings.HasPrefix(r.Headline, d)) {
			return true
		}
	}
	return false
}

func cut(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	out := append([]string{}, lines[:n]...)
	return append(out, fmt.Sprintf("… (%d more lines: run the go test command below to see everything)", len(lines)-n))
}

// hintPointer names the command that shows a hint for the lesson's
// problem, as it works where the checker runs: for the exercise the grade
// names (grade.Lesson.Hint), else for the exercise the learner is on.
// There is none when nothing in the code is wrong (only the test files
// changed, say).
func hintPointer(e Entry, opt Options) string {
	r := e.Result
	if r.FirstProblem() == nil && r.Build == nil && r.Package == nil && len(r.Vet) == 0 {
		return ""
	}
	p := painter(opt.Color)
	if r.Hint > 0 {
		return fmt.Sprintf("Stuck on exercise %d? %s", r.Hint, p.paint(cyan, opt.Place.Hint(e.Number, r.Hint)))
	}
	return fmt.Sprintf("Stuck? %s shows the next hint of the exercise you are on.", p.paint(cyan, opt.Place.Hint(e.Number, 0)))
}
