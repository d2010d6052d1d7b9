// Package verify is the maintainers' gate behind `go run ./checker verify`,
// the project's own test command: it proves that every lesson is whole and
// that its tests have teeth.
//
// It runs the support packages' tests; checks that every starter compiles,
// fails and never hangs, and that every exercise has a test failing on it;
// runs every solution (applied over the lesson with `go test -overlay`, so
// tests exist once, in lessons/) under -race several times; applies every
// mistake and checks that the tests it names do not pass; parses every
// slide deck; checks every README's sections; and checks that the
// checker's manifest is current.
//
// Speed matters on a two-core CI machine, so all starters run in one
// `go test`, all solutions in one, and mistakes in as few runs as the
// lesson with the most mistakes has (the k-th mistake of every lesson
// shares a run).
package verify

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/repo"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Config is what Run needs.
type Config struct {
	Root     string    // module root
	Manifest []byte    // the manifest.txt embedded in the checker
	Out      io.Writer // where the report goes
	Color    bool      // mark results with coloured ✓/✗ instead of PASS/FAIL
	Count    int       // solution repetitions; 0 = default (3)
}

// DefaultCount is how many times each solution's tests run: a race or a
// leak that shows one time in three still fails the gate.
const DefaultCount = 3

// Starters and mistakes run once per test binary (-count=1, which also
// skips the test cache, so every verify takes a fresh look): the race
// detector does not report again a race it has reported in the same
// process, so repetitions after the first often pass with the race still
// there (measured on a lesson mistake: fail, pass, pass).
// Solutions run DefaultCount times: there, every repetition must pass.
//
// Test binary timeouts. Lesson tests run on virtual time and finish in
// well under a second, so these only bound a hang. A hanging mistake is
// caught, but it costs its timeout, hence the shorter one (a lesson
// package takes well under a second, even under -race on two cores).
const (
	supportTimeout  = 10 * time.Minute
	starterTimeout  = 60 * time.Second
	solutionTimeout = 60 * time.Second
	mistakeTimeout  = 10 * time.Second
)

// minMistakes is how many mistakes each lesson needs.
const minMistakes = 3

// Run runs every check, prints what failed and why to cfg.Out, and ends
// with the plain line "N passed, N failed".
func Run(ctx context.Context, cfg Config) (passed, failed int) {
	v := &verifier{cfg: cfg, rep: &reporter{out: cfg.Out, color: cfg.Color}}
	if v.rep.out == nil {
		v.rep.out = io.Discard
	}
	v.run(ctx)
	fmt.Fprintf(v.rep.out, "%d passed, %d failed\n", v.rep.passed, v.rep.failed)
	return v.rep.passed, v.rep.failed
}

// verifier holds one verify run.
type verifier struct {
	cfg    Config
	goTest gotest.Runner
	rep    *reporter

	root      string
	tmp       string // holds the overlay files
	lessons   []*lesson
	exercises map[*lesson][]lessonsrc.Exercise
	mistakes  [][]*mistake // per lesson, the ones fit to run
}

func (v *verifier) run(ctx context.Context) {
	root, err := filepath.Abs(v.cfg.Root)
	if err != nil {
		v.rep.check("module root", []string{err.Error()})
		return
	}
	v.root = root
	// Lenient: what went wrong in a run is reported by the checks that
	// read it, so one broken lesson never hides the rest. When go cannot
	// be found, the first run says so.
	goPath, _ := gotest.Find()
	v.goTest = gotest.Go{Path: goPath, Dir: root, Lenient: true}
	v.tmp, err = os.MkdirTemp("", "verify-overlay-")
	if err != nil {
		v.rep.check("temporary folder for overlays", []string{err.Error()})
		return
	}
	defer os.RemoveAll(v.tmp)

	rl, err := repo.Lessons(root)
	if err == nil && len(rl) == 0 {
		err = fmt.Errorf("no lessons/NN-slug folders in lessons/")
	}
	if err != nil {
		v.rep.check("lessons found", []string{err.Error()})
	} else {
		v.rep.check("every folder in lessons/ and solutions/ is a lesson NN-slug", strayFolders(root, rl))
	}
	v.exercises = map[*lesson][]lessonsrc.Exercise{}
	for _, l := range rl {
		v.lessons = append(v.lessons, loadLesson(root, l))
	}

	for _, l := range v.lessons {
		v.static(l)
	}
	v.decks()
	v.manifest()
	for _, phase := range []func(context.Context) error{v.support, v.starters, v.solutions, v.runMistakes} {
		if err := phase(ctx); err != nil {
			v.rep.check("go test", []string{err.Error()})
			return
		}
	}
}

// static runs the checks that read files only.
func (v *verifier) static(l *lesson) {
	name := l.Name()
	v.rep.check(name+": has a README, starter code, tests, a solution and a slide deck",
		append(hygieneProblems(l), l.TestProblems...))

	if data, err := os.ReadFile(l.abs(l.Dir(), "README.md")); err != nil {
		// Without a README there are no exercises to map: one failure
		// says so instead of three.
		v.rep.check(name+": README has the required sections",
			[]string{"cannot read " + filepath.Join(l.Dir(), "README.md") + "; the exercise checks need it too"})
	} else {
		rd := lessonsrc.ParseReadme(string(data))
		v.rep.check(name+": README has the required sections", readmeProblems(rd, l.Number))
		v.exercises[l] = rd.Exercises
		v.rep.check(name+": README exercises name every test exactly once", exerciseProblems(rd.Exercises, l.Tests))
		// A starter file that cannot be read shows in the build; its marks
		// are simply missing here.
		todos, _ := lessonsrc.TODOs(l.abs(l.Dir()))
		v.rep.check(name+": every exercise has a TODO(N) in the starter", todoProblems(rd.Exercises, todos))
	}
	v.rep.check(name+": every test checks for leaks (goleak) and runs on virtual time (synctest)", shapeProblems(l))
	v.rep.check(name+": solution has the lesson's file names", solutionFileProblems(l))

	var fit []*mistake
	for _, dir := range l.MistakeDirs {
		m, problems := loadMistake(l, dir)
		if len(problems) > 0 {
			v.rep.check(mistakeCheckName(m), problems)
			continue
		}
		fit = append(fit, m)
	}
	var few []string
	if n := len(l.MistakeDirs); n < minMistakes {
		few = []string{fmt.Sprintf("found %d in %s; want at least %d", n, filepath.Join(l.SolutionDir(), "testdata", "mistakes"), minMistakes)}
	}
	v.rep.check(fmt.Sprintf("%s: has at least %d mistakes", name, minMistakes), few)
	v.mistakes = append(v.mistakes, fit)
}

func mistakeCheckName(m *mistake) string {
	s := fmt.Sprintf("%s: mistake %s is caught", m.Lesson.Name(), m.Name)
	if len(m.CaughtBy) > 0 {
		s += " by " + strings.Join(m.CaughtBy, ", ")
	}
	return s
}

// decks checks every slide deck under slides/.
func (v *verifier) decks() {
	decks, err := findDecks(filepath.Join(v.root, "slides"))
	if err != nil {
		v.rep.check("slide decks", []string{err.Error()})
		return
	}
	for _, d := range decks {
		rel := v.rel(d)
		v.rep.check(fmt.Sprintf("deck %s parses, its files exist, %d–%d slides", rel, minSlides, maxSlides), deckProblems(d, rel))
	}
}

// support runs the tests of the packages that lessons and the checker
// share. Verify's own tests are among them; they never verify this
// repository (that would recurse), only a small fixture module of their own.
func (v *verifier) support(ctx context.Context) error {
	var patterns []string
	for _, d := range []string{"checker", "internal"} {
		if fi, err := os.Stat(filepath.Join(v.root, d)); err == nil && fi.IsDir() {
			patterns = append(patterns, "./"+d+"/...")
		}
	}
	if len(patterns) == 0 {
		return nil
	}
	done := v.rep.progress("running the support packages' tests (go test -race %s)…", strings.Join(patterns, " "))
	r, err := v.goTest.Run(ctx, gotest.Request{Patterns: patterns, Race: true, Timeout: supportTimeout}, nil)
	done()
	if err != nil {
		return err
	}
	pm := newPathMapper(v.root, nil)
	var noTests []string
	for _, p := range r.Sorted() {
		name := strings.TrimPrefix(p.ImportPath, repo.ModulePath+"/")
		if p.Status == testjson.Skip && len(p.Tests) == 0 {
			noTests = append(noTests, name)
			continue
		}
		v.rep.check("support "+name+": tests pass", packageProblems(p, nil, pm))
	}
	if len(r.Packages) == 0 {
		v.rep.check("support packages: tests pass", excerpt(r.Stray, pm, maxExcerpt))
	}
	if len(noTests) > 0 {
		v.rep.note("no test files: %s", strings.Join(noTests, ", "))
	}
	return nil
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
	outs, err := settle(ctx, v.goTest, gotest.Request{Race: true, Count: 1, Timeout: starterTimeout}, want, false)
	done()
	if err != nil {
		return err
	}
	pm := newPathMapper(v.root, nil)
	for _, l := range v.lessons {
		o := outs[l.ImportPath()]
		ok := v.rep.check(l.Name()+": starter compiles, its tests fail, nothing hangs", starterProblems(l, o, pm))
		ex, haveReadme := v.exercises[l]
		if haveReadme && (ok || (o.Pkg != nil && !o.buildFailed())) {
			v.rep.check(l.Name()+": every exercise has a test that fails on the starter", starterExerciseProblems(ex, o))
		}
	}
	return nil
}

func starterProblems(l *lesson, o *outcome, pm pathMapper) []string {
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

func starterExerciseProblems(ex []lessonsrc.Exercise, o *outcome) []string {
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

// solutions runs every lesson's tests over its solution, in one go test.
func (v *verifier) solutions(ctx context.Context) error {
	all := overlay{}
	var run []*lesson
	for _, l := range v.lessons {
		if !l.HasSolution {
			continue // the file-name check reports it
		}
		o, err := solutionOverlay(l, nil, v.tmp)
		if err != nil {
			v.rep.check(v.solutionCheckName(l), []string{"cannot apply the solution: " + err.Error()})
			continue
		}
		all.add(o)
		run = append(run, l)
	}
	if len(run) == 0 {
		return nil
	}
	path, err := all.write(v.tmp, "solutions.json")
	if err != nil {
		return err
	}
	want := map[string][]string{}
	for _, l := range run {
		want[l.ImportPath()] = l.Tests
	}
	done := v.rep.progress("building and running %d solutions (go test -race -count=%d -overlay)…", len(run), v.count())
	r, err := v.goTest.Run(ctx, gotest.Request{
		Patterns: sortedKeys(want), Race: true, Count: v.count(), Timeout: solutionTimeout, Overlay: path,
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

func (v *verifier) solutionCheckName(l *lesson) string {
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
// tests must have run and passed.
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
		if t.Status == testjson.Pass {
			continue
		}
		problems = append(problems, fmt.Sprintf("%s %s:", t.Name, verdictOf(p, t.Name)))
		problems = append(problems, indent(excerpt(failedRun(t.Output, t.Name), pm, 8))...)
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

// runMistakes applies every mistake and checks that its tests catch it.
func (v *verifier) runMistakes(ctx context.Context) error {
	batches := batchMistakes(v.mistakes)
	for k, batch := range batches {
		all := overlay{}
		want := map[string][]string{}
		var run []*mistake
		for _, m := range batch {
			o, err := solutionOverlay(m.Lesson, m, v.tmp)
			if err != nil {
				v.rep.check(mistakeCheckName(m), []string{"cannot apply the mistake: " + err.Error()})
				continue
			}
			all.add(o)
			want[m.Lesson.ImportPath()] = m.CaughtBy
			run = append(run, m)
		}
		if len(run) == 0 {
			continue
		}
		path, err := all.write(v.tmp, fmt.Sprintf("mistakes-%d.json", k+1))
		if err != nil {
			return err
		}
		done := v.rep.progress("mistakes, round %d of %d: building and running %s (go test -race -count=1 -overlay)…", k+1, len(batches), plural(len(run), "variant"))
		outs, err := settle(ctx, v.goTest, gotest.Request{Race: true, Count: 1, Timeout: mistakeTimeout, Overlay: path}, want, true)
		done()
		if err != nil {
			return err
		}
		pm := newPathMapper(v.root, all, v.tmp)
		for _, m := range run {
			v.rep.check(mistakeCheckName(m), mistakeProblems(m, outs[m.Lesson.ImportPath()], pm))
		}
	}
	return nil
}

func mistakeProblems(m *mistake, o *outcome, pm pathMapper) []string {
	switch {
	case o.Pkg == nil:
		return append([]string{"go test gave no result for " + m.Lesson.Dir()}, excerpt(o.Stray, pm, maxExcerpt)...)
	case o.buildFailed():
		return append([]string{"it does not compile or vet, so it proves nothing; a mistake must build:"}, buildExcerpt(o.Pkg.BuildOutput, pm)...)
	}
	var p []string
	for _, t := range m.CaughtBy {
		switch vd := o.Verdicts[t]; vd {
		case failed, crashed:
		case passed:
			p = append(p, fmt.Sprintf("%s passed with the mistake applied; it does not catch it (%s)", t, m.relDir()))
		case notRun:
			p = append(p, fmt.Sprintf("%s did not run, even alone (an earlier crash, or it does not exist)", t))
		default:
			p = append(p, fmt.Sprintf("%s %s", t, vd))
		}
	}
	if len(p) > 0 {
		p = append(p, "the mistake: "+m.Summary)
	}
	return p
}

// manifest checks that the checker's embedded manifest matches the files.
func (v *verifier) manifest() {
	v.rep.check("checker/manifest.txt is current", manifestProblems(v.root, v.cfg.Manifest))
}

// rel shows an absolute path relative to the module root.
func (v *verifier) rel(path string) string {
	if r, err := filepath.Rel(v.root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

// reporter prints one line per check and keeps the score.
type reporter struct {
	out            io.Writer
	color          bool
	passed, failed int
}

// Colours, used only when the caller asks for them.
const (
	green = "\x1b[32m"
	red   = "\x1b[31m"
	dim   = "\x1b[2m"
	reset = "\x1b[0m"
)

// maxDetail bounds the detail lines printed under one failed check.
const maxDetail = 24

// check records one check: passed when problems is empty. It returns
// whether the check passed.
func (r *reporter) check(name string, problems []string) bool {
	ok := len(problems) == 0
	mark := map[bool]string{true: "PASS", false: "FAIL"}[ok]
	if r.color {
		mark = map[bool]string{true: green + "✓" + reset, false: red + "✗" + reset}[ok]
	}
	fmt.Fprintf(r.out, "%s %s\n", mark, name)
	if ok {
		r.passed++
		return true
	}
	r.failed++
	var lines []string
	for _, p := range problems {
		lines = append(lines, strings.Split(strings.TrimRight(p, "\n"), "\n")...)
	}
	for i, line := range lines {
		if i == maxDetail {
			fmt.Fprintf(r.out, "    … %d more lines\n", len(lines)-i)
			break
		}
		fmt.Fprintf(r.out, "    %s\n", line)
	}
	return false
}

// progress prints what is about to take a while and returns a func that
// says how long it took.
func (r *reporter) progress(format string, args ...any) (done func()) {
	start := time.Now()
	r.note(format, args...)
	return func() { r.note("  done in %s", time.Since(start).Round(100*time.Millisecond)) }
}

// note prints a line that is not a check.
func (r *reporter) note(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if r.color {
		line = dim + line + reset
	}
	fmt.Fprintf(r.out, "· %s\n", line)
}

// maxExcerpt bounds the lines kept from go's output for one problem.
const maxExcerpt = 12

// excerpt keeps the lines of go output that say something, with paths
// rewritten by pm, at most max of them.
func excerpt(lines []string, pm pathMapper, max int) []string {
	var out []string
	more := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r\n")
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(l, "# ") ||
			t == "FAIL" || strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "ok  \t") {
			continue
		}
		if len(out) == max {
			more++
			continue
		}
		out = append(out, pm.line(l))
	}
	if more > 0 {
		out = append(out, fmt.Sprintf("… %d more lines", more))
	}
	return out
}

// failedRun picks, from the output of a test run -count times, the first
// run that failed, or the last one when the binary died in the middle of
// it: the same failure three times says nothing more.
func failedRun(lines []string, name string) []string {
	start := 0
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "--- FAIL: "+name+" "):
			return lines[start : i+1]
		case strings.HasPrefix(l, "--- PASS: "+name+" "), strings.HasPrefix(l, "--- SKIP: "+name+" "):
			start = i + 1
		}
	}
	return lines[start:]
}

// buildExcerpt is excerpt for compiler and vet output, where a package
// and its test variant often report the same error twice.
func buildExcerpt(lines []string, pm pathMapper) []string {
	var uniq []string
	for _, l := range lines {
		if !slices.Contains(uniq, l) {
			uniq = append(uniq, l)
		}
	}
	return excerpt(uniq, pm, maxExcerpt)
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}

// plural is "1 variant", "2 variants".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
