package verify

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/grading"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
)

func mistakeCheckName(m *mistake) string {
	s := fmt.Sprintf("%s: mistake %s is caught", m.Lesson.Name(), m.Name)
	if len(m.Caught) > 0 {
		var names []string
		for _, c := range m.Caught {
			names = append(names, c.String())
		}
		s += " by " + strings.Join(names, ", ")
	}
	return s
}

// mistakeRounds is how many rounds of mistakes run at once. A round
// spends most of its time waiting: for a hung test's -timeout, for goleak's
// retries, for a re-run after a crash; measured on two cores, verify's
// mistakes took 6 minutes one round at a time.
const mistakeRounds = 4

// runMistakes grades every mistake as the checker grades a learner's
// lesson, and checks that each test its header names gets the verdict the
// header says, and that go vet reports each analyzer it names. Batch k
// holds the k-th mistake of every lesson; several batches run at once, and
// their checks are reported in batch order.
func (v *verifier) runMistakes(ctx context.Context) error {
	batches := batchMistakes(v.mistakes)
	if len(batches) == 0 {
		return nil
	}
	total := 0
	for _, b := range batches {
		total += len(b)
	}
	results := make([][]checkResult, len(batches))
	done := v.rep.progress("grading %s as a learner's lessons, in %d rounds, %d at a time (go test -race -count=1 -overlay)…",
		plural(total, "mistake"), len(batches), min(mistakeRounds, len(batches)))
	var g errgroup.Group
	g.SetLimit(mistakeRounds)
	for k, batch := range batches {
		g.Go(func() error {
			var err error
			results[k], err = v.gradeMistakes(ctx, k, batch)
			return err
		})
	}
	err := g.Wait()
	done()
	if err != nil {
		return err
	}
	for _, round := range results {
		for _, c := range round {
			v.rep.check(c.name, c.problems)
		}
	}
	return nil
}

// checkResult is a check's outcome, to report later.
type checkResult struct {
	name     string
	problems []string
}

// gradeMistakes grades one batch of mistakes, at most one per lesson.
func (v *verifier) gradeMistakes(ctx context.Context, k int, batch []*mistake) ([]checkResult, error) {
	var out []checkResult
	all := overlay{}
	var run []*mistake
	tmp := filepath.Join(v.tmp, fmt.Sprintf("round-%d", k+1))
	for _, m := range batch {
		o, err := solutionOverlay(m.Lesson, m, tmp)
		if err != nil {
			out = append(out, checkResult{mistakeCheckName(m), []string{"cannot apply the mistake: " + err.Error()}})
			continue
		}
		all.Add(o)
		run = append(run, m)
	}
	if len(run) == 0 {
		return out, nil
	}
	path, err := all.Write(tmp, "overlay.json")
	if err != nil {
		return nil, err
	}
	var lessons []*lesson.Lesson
	for _, m := range run {
		lessons = append(lessons, m.Lesson)
	}
	res, err := grading.Run(ctx, lessons, grading.Options{Runner: v.goTest, Race: true, Count: 1, Overlay: path, Vet: true})
	if err != nil {
		return nil, err
	}
	pm := newPathMapper(v.root, all, tmp)
	for i, m := range run {
		p := mistakeProblems(m, res.Lessons[i], pm)
		if len(m.vet()) > 0 {
			p = append(p, vetProblems(m, res.Lessons[i].Vet)...)
		}
		if len(p) > 0 {
			p = append(p, "the mistake: "+m.Summary)
		}
		out = append(out, checkResult{mistakeCheckName(m), p})
	}
	return out, nil
}

// mistakeProblems compares the learner's view of a mistake with its
// header: each named test must get the named verdict.
func mistakeProblems(m *mistake, g grade.Lesson, pm pathMapper) []string {
	tests := m.tests()
	if g.Build != nil {
		if len(tests) == 0 && g.Build.Kind == failure.Vet {
			return nil // go test's own vet stops it; the go vet check says whether it is the one named
		}
		what := "it does not compile, so it proves nothing; a mistake must build:"
		if g.Build.Kind == failure.Vet {
			what = "go vet, which go test runs first, stops it, so no test runs; name it as `go vet (analyzer)`, or make it build:"
		}
		return append([]string{what}, buildExcerpt(g.Build.Details, pm)...)
	}
	var p []string
	for _, c := range m.Caught {
		if c.Test == "" {
			continue
		}
		var got *grade.Test
		for i := range g.Tests {
			if g.Tests[i].Name == c.Test {
				got = &g.Tests[i]
			}
		}
		switch {
		case got == nil:
			p = append(p, fmt.Sprintf("%s got no verdict (it does not exist, or go test said nothing of it)", c.Test))
		case got.Status == c.Verdict:
		case got.Status == grade.Pass:
			p = append(p, fmt.Sprintf("%s passed with the mistake applied; it does not catch it (%s)", c.Test, m.relDir()))
		default:
			line := fmt.Sprintf("%s: a learner sees %q, the header says %q", c.Test, got.Status, c.Verdict)
			if got.Report.Headline != "" {
				line += ": " + pm.line(got.Report.Headline)
			}
			p = append(p, line)
		}
	}
	return p
}

// vetProblems checks that the checker's go vet step reported each
// analyzer the mistake names.
func vetProblems(m *mistake, found []grade.VetFinding) []string {
	got := map[string]bool{}
	var seen []string
	for _, f := range found {
		if f.Analyzer == "" {
			return []string{f.Message} // go vet could not run
		}
		if !got[f.Analyzer] {
			got[f.Analyzer] = true
			seen = append(seen, f.Analyzer)
		}
	}
	slices.Sort(seen)
	var p []string
	for _, a := range m.vet() {
		if !got[a] {
			what := "nothing"
			if len(seen) > 0 {
				what = strings.Join(seen, ", ")
			}
			p = append(p, fmt.Sprintf("go vet reports no %s finding (it reports %s)", a, what))
		}
	}
	return p
}
