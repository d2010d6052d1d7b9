package verify

import (
	"context"
	"fmt"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/firstfail"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// starterCheck is one check of a starter's test results.
type starterCheck struct {
	name string // what passes, after "NN-slug: "
	// problems reads the lesson and the settled outcome of its tests. It
	// is called only when the starter built and its tests ran.
	problems func(l *lesson.Lesson, o *outcome) []string
	known    string // its short name in knownFailures, if it may be listed there
}

// starterChecks read the results of the starters' run.
var starterChecks = []starterCheck{
	{"every exercise has a test that fails on the starter", starterExerciseProblems, ""},
	{"the first test that fails on the starter belongs to exercise 1", firstFailureCheck, checkFirstFailure},
}

// starters runs every lesson's tests as shipped, in one go test.
func (v *verifier) starters(ctx context.Context) error {
	if len(v.lessons) == 0 {
		return nil
	}
	want := map[string][]string{}
	for _, l := range v.lessons {
		want[l.ImportPath()] = l.Tests
	}
	done := v.rep.progress("building and running %d starters (go test -race -count=1)…", len(v.lessons))
	outs, err := settle(ctx, v.goTest, gotest.Request{Race: true, Count: 1, Timeout: starterTimeout, StartLimit: starterTimeout}, want, false)
	done()
	if err != nil {
		return err
	}
	pm := newPathMapper(v.root, nil)
	for _, l := range v.lessons {
		o := outs[l.ImportPath()]
		ok := v.rep.check(l.Name()+": starter compiles, its tests fail, nothing hangs", starterProblems(l, o, pm))
		if !l.HasReadme || !(ok || (o.Pkg != nil && !o.buildFailed())) {
			continue
		}
		for _, c := range starterChecks {
			v.rep.knownCheck(l.Name(), c.known, l.Name()+": "+c.name, c.problems(l, o))
		}
	}
	return nil
}

func starterProblems(l *lesson.Lesson, o *outcome, pm pathMapper) []string {
	switch p := o.Pkg; {
	case p == nil:
		return append([]string{"go test gave no result for " + l.Dir()}, excerpt(o.Stray, pm, maxExcerpt)...)
	case p.BuildFailed:
		return append([]string{"the starter does not compile or vet:"}, buildExcerpt(p.BuildOutput, pm)...)
	case timedOut(p):
		hung := fmt.Sprintf("a test hung until -timeout %gs; starters must fail, not hang:", starterTimeout.Seconds())
		return append([]string{hung}, excerpt(timeoutReport(p), pm, maxExcerpt)...)
	case len(p.Tests) == 0:
		return []string{"no test ran in " + l.Dir()}
	case p.Status == testjson.Pass:
		return []string{"every test passes on the starter; as shipped, each exercise must have a failing test"}
	}
	return nil
}

func starterExerciseProblems(l *lesson.Lesson, o *outcome) []string {
	ex := l.Readme.Exercises
	if len(ex) == 0 {
		return []string{"the README lists no exercises to check"}
	}
	var p []string
	for _, e := range ex {
		if len(e.Tests) == 0 {
			continue // the README check reports it
		}
		var seen []string
		caught := false
		for _, t := range e.Tests {
			vd := o.Verdicts[t]
			caught = caught || vd.notPassing()
			seen = append(seen, t+" "+vd.String())
		}
		if !caught {
			p = append(p, fmt.Sprintf("exercise %d: %s; at least one must fail on the starter", e.N, strings.Join(seen, ", ")))
		}
	}
	return p
}

// firstFailureCheck checks what a learner reads first on the starter
// (package firstfail), from the first run: go test's own order.
func firstFailureCheck(l *lesson.Lesson, o *outcome) []string {
	return firstfail.Problems(o.Pkg, l.Readme.ExerciseOf(), "go test "+l.Pattern())
}

// solutions runs every lesson's tests over its solution, in one go test.
func (v *verifier) solutions(ctx context.Context) error {
	all := overlay{}
	var run []*lesson.Lesson
	for _, l := range v.lessons {
		if !l.HasSolution {
			continue // the file-name check reports it
		}
		o, err := solutionOverlay(l, nil, v.tmp)
		if err != nil {
			v.rep.check(v.solutionCheckName(l), []string{"cannot apply the solution: " + err.Error()})
			continue
		}
		all.Add(o)
		run = append(run, l)
	}
	if len(run) == 0 {
		return nil
	}
	path, err := all.Write(v.tmp, "solutions.json")
	if err != nil {
		return err
	}
	var patterns []string
	for _, l := range run {
		patterns = append(patterns, l.Pattern())
	}
	done := v.rep.progress("building and running %d solutions (go test -race -count=%d -overlay)…", len(run), v.count())
	r, err := v.goTest.Run(ctx, gotest.Request{
		Patterns: patterns, Race: true, Count: v.count(), Timeout: solutionTimeout, StartLimit: solutionTimeout, Overlay: path,
	}, nil)
	done()
	if err != nil {
		return err
	}
	pm := newPathMapper(v.root, all)
	for _, l := range run {
		p := r.Package(l.ImportPath())
		var problems []string
		if p == nil {
			problems = append([]string{"go test gave no result for " + l.Dir()}, excerpt(r.Stray, pm, maxExcerpt)...)
		} else {
			problems = packageProblems(p, l.Tests, pm)
		}
		v.rep.check(v.solutionCheckName(l), problems)
	}
	return nil
}

func (v *verifier) solutionCheckName(l *lesson.Lesson) string {
	return fmt.Sprintf("%s: solution passes every test under -race, %d times, without leaks", l.Name(), v.count())
}

func (v *verifier) count() int {
	if v.cfg.Count > 0 {
		return v.cfg.Count
	}
	return DefaultCount
}

// packageProblems explains why a package that should pass did not: the
// build output, or each test that did not pass with a cut of its output,
// or the package's own output when it failed after its tests passed (a
// leak found by VerifyTestMain, a crash outside any test). Every test in
// tests must have run and passed. A support package's test may skip
// itself (tests is nil); a lesson's may not.
func packageProblems(p *testjson.Package, tests []string, pm pathMapper) []string {
	if p.BuildFailed {
		return append([]string{"does not compile or vet:"}, buildExcerpt(p.BuildOutput, pm)...)
	}
	var problems []string
	if timedOut(p) {
		problems = append(problems, "a test hung until -timeout:")
		problems = append(problems, indent(excerpt(timeoutReport(p), pm, 6))...)
	}
	for _, t := range p.TopLevel() {
		if vd := verdictOf(p, t.Name); vd == passed || (vd == skipped && tests == nil) {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s %s:", t.Name, verdictOf(p, t.Name)))
		problems = append(problems, indent(excerpt(failedRun(t), pm, 8))...)
	}
	for _, name := range tests {
		if verdictOf(p, name) == notRun {
			problems = append(problems, name+" did not run")
		}
	}
	if p.Status != testjson.Pass && len(problems) == 0 {
		problems = append(problems, "the package failed after its tests passed (a leak found in TestMain, or a crash outside a test):")
		problems = append(problems, indent(excerpt(p.Output, pm, maxExcerpt))...)
	}
	return problems
}
