// Package verify is the maintainers' gate behind `go run ./checker verify`,
// the project's own test command: it proves that every lesson is whole and
// that its tests have teeth.
//
// It runs the support packages' tests; checks that every starter compiles,
// fails and never hangs, and that every exercise has a test failing on it;
// runs every solution (applied over the lesson with `go test -overlay`, so
// tests exist once, in lessons/) under -race several times; grades every
// mistake the way the checker grades a learner's lesson and checks that
// each test its header names gives the verdict the header says (and that
// go vet reports what it names); parses every slide deck; checks every
// README's sections; checks that the checker's manifest is current; and
// checks what a draft lesson can already promise.
//
// It also checks what learners see, each check a package of its own: the
// README diagrams hold nothing that stops Mermaid (mermaid); every slide
// fits a 1280×800 screen (deckfit); a lesson's deck has the shared title
// slide and shows no solution before "Your turn" (deckshape); the first
// test that fails on a starter belongs to exercise 1 (firstfail); and the
// pictures on the slides are what the tests draw now (pictures, drawn
// again on starter and solution, as `go run ./checker slides` draws them).
// knownFailures lets these fail, visibly, on a lesson being corrected.
//
// # Adding a check
//
// A check is a name and a function that returns what is wrong (nothing
// when it passes). Checks that read one lesson's files go in lessonChecks;
// checks that read a starter's test results go in starterChecks; checks of
// a slide deck go in deckChecks; checks of the whole workshop are called
// from run, next to decks and manifest, or are a phase of their own when
// they run go test. Put the logic in its own package when it is more than
// a few lines, and hook it in here with one entry.
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
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Config is what Run needs.
type Config struct {
	Root     string    // module root
	Manifest []byte    // the manifest.txt embedded in the checker
	Out      io.Writer // where the report goes
	Color    bool      // mark results with coloured ✓/✗ instead of PASS/FAIL
	Count    int       // solution repetitions; 0 = default (3)
	// Known lists the checks allowed to fail ("NN-slug: short name"); nil
	// means knownFailures. Tests give their own.
	Known []string
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
// well under a second, so these only bound a hang. Mistakes are graded
// with the learner's own timeouts (package grading), since verify checks
// the verdict a learner would see. The support packages' tests include
// two that grade copies of the workshop end to end (a class, and the
// GitHub Classroom workflow's commands on every lesson): they took 8
// minutes together at a load average of 35 on two cores.
const (
	supportTimeout  = 20 * time.Minute
	starterTimeout  = 60 * time.Second
	solutionTimeout = 60 * time.Second
)

// minMistakes is how many mistakes each lesson needs.
const minMistakes = 3

// Run runs every check, prints what failed and why to cfg.Out, and ends
// with the plain line "N passed, N failed".
func Run(ctx context.Context, cfg Config) (passed, failed int) {
	known := cfg.Known
	if known == nil {
		known = knownFailures
	}
	v := &verifier{cfg: cfg, rep: &reporter{out: cfg.Out, color: cfg.Color, known: known}}
	if v.rep.out == nil {
		v.rep.out = io.Discard
	}
	v.run(ctx)
	v.rep.knownSummary()
	fmt.Fprintf(v.rep.out, "%d passed, %d failed\n", v.rep.passed, v.rep.failed)
	return v.rep.passed, v.rep.failed
}

// verifier holds one verify run.
type verifier struct {
	cfg    Config
	goTest gotest.Runner
	rep    *reporter

	root     string
	tmp      string           // holds the overlay files
	lessons  []*lesson.Lesson // published lessons
	drafts   []*lesson.Lesson
	mistakes [][]*mistake // per lesson, the ones fit to run
}

func (v *verifier) run(ctx context.Context) {
	root, err := filepath.Abs(v.cfg.Root)
	if err != nil {
		v.rep.check("module root", []string{err.Error()})
		return
	}
	v.root = root
	if err := noCoverage(nil); err != nil {
		v.rep.check("GOFLAGS asks for no coverage", []string{err.Error()})
		return
	}
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

	all, err := lesson.LoadAll(root)
	for _, l := range all {
		if l.Draft {
			v.drafts = append(v.drafts, l)
		} else {
			v.lessons = append(v.lessons, l)
		}
	}
	if err == nil && len(v.lessons) == 0 {
		err = fmt.Errorf("no lessons/NN-slug folders in lessons/ that are not drafts")
	}
	if err != nil {
		v.rep.check("lessons found", []string{err.Error()})
	} else {
		v.rep.check("every folder in lessons/ and solutions/ is a lesson NN-slug", strayFolders(root, all))
	}

	for _, l := range v.lessons {
		v.static(l)
	}
	v.decks()
	v.manifest()
	for _, phase := range []func(context.Context) error{v.support, v.starters, v.solutions, v.pictures, v.runMistakes, v.checkDrafts} {
		if err := phase(ctx); err != nil {
			v.rep.check("go test", []string{err.Error()})
			return
		}
	}
}

// lessonCheck is one check of a lesson's files.
type lessonCheck struct {
	name        string // what passes, after "NN-slug: "
	needsReadme bool   // skipped when the README cannot be read (one failure says so)
	problems    func(l *lesson.Lesson) []string
	known       string // its short name in knownFailures, if it may be listed there
}

// lessonChecks read one lesson's files, before any test runs.
var lessonChecks = []lessonCheck{
	{"has a README, starter code, tests, a solution and a slide deck", false, hygieneProblems, ""},
	{"README has the required sections", false, readmeCheck, ""},
	{"README diagrams pass the Mermaid lint", true, diagramCheck, checkMermaid},
	{"README exercises name every test exactly once", true, exerciseCheck, ""},
	{"every exercise has a TODO(N) in the starter", true, todoCheck, ""},
	{"every exercise has hints, and the three questions are asked", true, hintProblems, ""},
	{"every test checks for leaks (goleak) and runs on virtual time (synctest)", false, shapeProblems, ""},
	{"solution has the lesson's file names", false, solutionFileProblems, ""},
}

// static runs the checks that read files only, and loads the mistakes.
func (v *verifier) static(l *lesson.Lesson) {
	for _, c := range lessonChecks {
		if c.needsReadme && !l.HasReadme {
			continue
		}
		v.rep.knownCheck(l.Name(), c.known, l.Name()+": "+c.name, c.problems(l))
	}

	var fit []*mistake
	for _, name := range l.Mistakes {
		m, problems := loadMistake(l, name)
		if len(problems) > 0 {
			v.rep.check(mistakeCheckName(m), problems)
			continue
		}
		fit = append(fit, m)
	}
	var few []string
	if n := len(l.Mistakes); n < minMistakes {
		few = []string{fmt.Sprintf("found %d in %s; want at least %d", n, l.MistakesDir(), minMistakes)}
	}
	v.rep.check(fmt.Sprintf("%s: has at least %d mistakes", l.Name(), minMistakes), few)
	v.mistakes = append(v.mistakes, fit)
}

// decks checks every slide deck under slides/: that it parses, then what
// it shows (deckChecks).
func (v *verifier) decks() {
	decks, err := findDecks(filepath.Join(v.root, "slides"))
	if err != nil {
		v.rep.check("slide decks", []string{err.Error()})
		return
	}
	for _, path := range decks {
		d := readDeck(path, v.rel(path))
		v.rep.check(fmt.Sprintf("deck %s parses, its files exist, %d–%d slides", d.rel, minSlides, maxSlides), deckProblems(d))
		if d.doc == nil {
			continue
		}
		for _, c := range deckChecks {
			if c.lessonOnly && !d.isLesson {
				continue
			}
			v.rep.knownCheck(d.key(), c.known, "deck "+d.rel+": "+c.name, c.problems(d))
		}
	}
}

// manifest checks that the checker's embedded manifest matches the files.
func (v *verifier) manifest() {
	v.rep.check("checker/manifest.txt is current", manifestProblems(v.root, v.cfg.Manifest))
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
		name := strings.TrimPrefix(p.ImportPath, lesson.ModulePath+"/")
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

// rel shows an absolute path relative to the module root.
func (v *verifier) rel(path string) string {
	if r, err := filepath.Rel(v.root, path); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}
