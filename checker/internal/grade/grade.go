// Package grade turns the results of `go test -json` and `go vet -json`
// for one lesson into verdicts: one per top-level test (pass, fail, leak,
// race, hang, crash, not run) and one for the lesson (done, failing, does
// not compile, hangs, leaks, races, crashed, fails go vet, tests changed,
// not started).
//
// It reads results only; running go test, and re-running the tests of a
// crashed package one by one, is the job of other packages.
package grade

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// TestStatus is the verdict on one top-level test.
type TestStatus string

// Test verdicts.
const (
	Pass   TestStatus = "pass"
	Fail   TestStatus = "fail"
	Leak   TestStatus = "leak"  // a goroutine outlived the test
	Race   TestStatus = "race"  // the race detector reported a data race
	Hang   TestStatus = "hang"  // the test waited forever (timeout, or a bubble where all are blocked)
	Crash  TestStatus = "crash" // panic or os.Exit: the test binary died
	NotRun TestStatus = "not run"
	Skip   TestStatus = "skip"
)

// OK reports whether the verdict counts towards done.
func (s TestStatus) OK() bool { return s == Pass || s == Skip }

// Status is the verdict on a lesson.
type Status string

// Lesson verdicts. ComingSoon is for lessons of the arc with no folder yet.
const (
	Done         Status = "done"
	Failing      Status = "failing"
	NoCompile    Status = "does not compile"
	Hangs        Status = "hangs"
	Leaks        Status = "leaks"
	Races        Status = "races"
	Crashed      Status = "crashed"
	VetFails     Status = "fails go vet" // every test passes; the full go vet reports a problem
	TestsChanged Status = "tests changed"
	OlderVersion Status = "older version" // test files of an earlier release: pull
	NotStarted   Status = "not started"
	ComingSoon   Status = "coming soon"
	// TestsNotRun is the Underlying status of a lesson graded from the
	// manifest alone: its files are exactly as shipped, so its tests were
	// not run (the starter fails them; verify proves it).
	TestsNotRun Status = "not run"
)

// Input is everything known about one lesson after go test ran.
type Input struct {
	// Lesson is the lesson as read from its folders: its tests, in
	// exercise order, give tests that never started (after a crash) a
	// verdict too, and its README maps tests to exercises.
	Lesson *lesson.Lesson
	// Package is the lesson's result in the run of all lessons; nil when
	// go test said nothing about it.
	Package *testjson.Package
	// Solo holds, by test name, the results of running a test alone after
	// its package crashed. They override Package for those tests.
	Solo map[string]*testjson.Package
	// Diff compares the lesson's files with the manifest.
	Diff manifest.Diff
}

// VetFinding is one finding of the full go vet, which go test does not
// run: go test passes a lesson whose code, for example, drops a cancel
// function (lostcancel).
type VetFinding struct {
	Analyzer string // "lostcancel"
	Message  string
	Where    failure.Frame // File is relative to the module root; no Func
}

// Vet turns go vet's diagnostics of one package into findings with
// root-relative positions, ordered by file and line.
func Vet(byAnalyzer map[string][]gotest.VetDiagnostic, ctx failure.Context) []VetFinding {
	var out []VetFinding
	for analyzer, ds := range byAnalyzer {
		for _, d := range ds {
			out = append(out, VetFinding{Analyzer: analyzer, Message: d.Message, Where: position(d.Posn, ctx)})
		}
	}
	slices.SortFunc(out, func(a, b VetFinding) int {
		return cmp.Or(cmp.Compare(a.Where.File, b.Where.File), cmp.Compare(a.Where.Line, b.Where.Line), cmp.Compare(a.Analyzer, b.Analyzer))
	})
	return out
}

// position reads go vet's "file:line:column" (the column may be missing).
func position(posn string, ctx failure.Context) failure.Frame {
	m := posnRE.FindStringSubmatch(posn)
	if m == nil {
		return failure.Frame{File: ctx.Rel(posn)}
	}
	n, _ := strconv.Atoi(m[2]) // digits, by posnRE; 0 if out of range
	return failure.Frame{File: ctx.Rel(m[1]), Line: n}
}

var posnRE = regexp.MustCompile(`^(.+\.go):(\d+)(?::\d+)?$`)

// String is "file:line: message (analyzer)".
func (v VetFinding) String() string { return v.At(func(p string) string { return p }) }

// At is String with the file made relative, by path, to where the
// learner stands.
func (v VetFinding) At(path func(string) string) string {
	s := v.Message
	if v.Analyzer != "" {
		s += " (" + v.Analyzer + ")"
	}
	if v.Where.File == "" {
		return s
	}
	return fmt.Sprintf("%s:%d: %s", path(v.Where.File), v.Where.Line, s)
}

// Test is the verdict on one top-level test.
type Test struct {
	Name     string
	Status   TestStatus
	Exercise int // 0 when the README does not name the test
	// Subtest is the failing subtest, its full name ("TestX/limit_0"):
	// the deepest of the first that failed or never ended. Empty when
	// the test has no subtest, or none of them failed.
	Subtest string
	Report  failure.Report
}

// Shown is the name to show for the test's failure: the subtest's when
// one failed, which names the path that went wrong.
func (t Test) Shown() string {
	if t.Subtest != "" {
		return t.Subtest
	}
	return t.Name
}

// Location is the most useful place to look: the learner's own line, else
// the test's line. File is relative to the module root; empty if unknown.
func (t Test) Location() (file string, line int) {
	switch {
	case t.Report.Where != nil:
		return t.Report.Where.File, t.Report.Where.Line
	case t.Report.TestLine != nil:
		return t.Report.TestLine.File, t.Report.TestLine.Line
	}
	return "", 0
}

// Lesson is the verdict on one lesson.
type Lesson struct {
	Lesson lesson.ID
	Title  string
	Status Status
	// Underlying is what the tests said when Status is TestsChanged,
	// OlderVersion or NotStarted (for example Failing).
	Underlying Status
	Tests      []Test
	Passed     int
	Total      int
	// Build is set when the lesson does not compile (or vet).
	Build *failure.Report
	// Package is a failure outside any test: a goleak.VerifyTestMain
	// report, or a crash or a hang before the first test.
	Package *failure.Report
	Diff    manifest.Diff
	// Vet are the full go vet's findings; a lesson with any is not done.
	Vet []VetFinding
	// Hint is the exercise whose hints help with the first problem, 0
	// when that is not clear (see the grading package).
	Hint int
}

// StoppedBeforeTests reports whether the lesson's test binary failed
// before any test started: Package says why, and no test has a verdict.
func (l Lesson) StoppedBeforeTests() bool {
	if l.Package == nil || len(l.Tests) == 0 {
		return false
	}
	for _, t := range l.Tests {
		if t.Status != NotRun {
			return false
		}
	}
	return true
}

// Ran reports whether the lesson's tests ran: false for a lesson graded
// from the manifest alone.
func (l Lesson) Ran() bool { return l.Underlying != TestsNotRun }

// Untouched grades, without running anything, a lesson whose files are
// exactly the shipped ones (diff.Untouched): not started, every test not
// run. Its starter fails its tests, and verify proves that every time.
func Untouched(l *lesson.Lesson, diff manifest.Diff) Lesson {
	out := Lesson{Lesson: l.ID, Title: l.Readme.Title, Diff: diff, Status: NotStarted, Underlying: TestsNotRun}
	for _, name := range l.Tests {
		out.Tests = append(out.Tests, Test{Name: name, Status: NotRun, Exercise: l.Exercise(name)})
	}
	out.Total = len(out.Tests)
	return out
}

// Context returns the failure context of the lesson, whose files are
// read under root.
func Context(root string, l lesson.ID) failure.Context {
	return failure.Context{
		Root:       root,
		LessonDir:  l.Dir(),
		ImportPath: l.ImportPath(),
		ModulePath: lesson.ModulePath,
		Source: func(rel string) ([]byte, error) {
			return os.ReadFile(filepath.Join(root, filepath.FromSlash(rel)))
		},
	}
}

// lessonContext is the failure context of a lesson, whose files are read
// where it says (Lesson.Files), which is its root but in the checker's
// own tests.
func lessonContext(l *lesson.Lesson) failure.Context {
	ctx := Context(l.Root, l.ID)
	if l.Files != "" {
		ctx.Source = Context(l.Files, l.ID).Source
	}
	return ctx
}

// Grade decides the verdicts for one lesson.
func Grade(in Input) Lesson {
	l := in.Lesson
	out := Lesson{Lesson: l.ID, Title: l.Readme.Title, Diff: in.Diff}
	ctx := lessonContext(l)
	pkg := in.Package
	notRun := func() {
		for _, name := range names(l.Tests, pkg) {
			out.Tests = append(out.Tests, Test{Name: name, Status: NotRun, Exercise: l.Exercise(name)})
		}
		out.Total = len(out.Tests)
	}
	if pkg != nil && pkg.BuildFailed {
		r := failure.Build(pkg.BuildOutput, ctx)
		out.Build = &r
		notRun()
		return finish(out, NoCompile)
	}
	if StoppedBeforeTests(pkg) && len(in.Solo) == 0 {
		// Its initialisation never returned, or panicked, or exited: no
		// test can say more, and none is run again alone.
		r := failure.BeforeTests(pkg.Output, ctx)
		out.Package = &r
		notRun()
		return finish(out, worst(out))
	}
	for _, name := range names(l.Tests, pkg) {
		var t Test
		if solo, ok := in.Solo[name]; ok {
			t = verdict(name, solo, ctx, true)
		} else {
			t = verdict(name, pkg, ctx, false)
		}
		t.Exercise = l.Exercise(name)
		out.Tests = append(out.Tests, t)
		if t.Status.OK() {
			out.Passed++
		}
	}
	out.Total = len(out.Tests)
	if out.Passed == out.Total {
		// Every test passed, yet the package may have failed: a leak that
		// goleak.VerifyTestMain found after the last test, or a crash
		// outside any test.
		if pkg == nil {
			r := failure.Report{Kind: failure.None, Headline: "go test reported no result for this lesson"}
			out.Package = &r
		} else if pkg.Status == testjson.Fail || pkg.Status == testjson.NoVerdict {
			r := failure.Analyze(pkg.Output, ctx)
			if r.Kind == failure.None || r.Kind == failure.Assertion {
				r = failure.Stopped(pkg.Output, ctx)
				r.Headline = "the test binary failed after its tests passed"
			}
			out.Package = &r
		} else if out.Total == 0 {
			r := failure.Report{Kind: failure.None, Headline: "this lesson has no tests yet"}
			out.Package = &r
		}
	}
	return finish(out, worst(out))
}

// WithVet adds the full go vet's findings to a graded lesson: a lesson
// whose tests all pass fails go vet when it reports anything. Other
// verdicts stay, so the tests' say is never hidden.
func (l Lesson) WithVet(found []VetFinding) Lesson {
	l.Vet = found
	if len(found) == 0 {
		return l
	}
	switch {
	case l.Status == Done:
		l.Status = VetFails
	case l.Underlying == Done:
		l.Underlying = VetFails
	}
	return l
}

// StoppedBeforeTests reports whether pkg's test binary failed before any
// of its tests started.
func StoppedBeforeTests(pkg *testjson.Package) bool {
	return pkg != nil && !pkg.BuildFailed && len(pkg.Tests) == 0 &&
		(pkg.Status == testjson.Fail || pkg.Status == testjson.NoVerdict)
}

// names lists the top-level tests: the declared ones in exercise order,
// then any the run reported that the source scan did not find.
func names(declared []string, pkg *testjson.Package) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range declared {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	if pkg != nil {
		for _, t := range pkg.TopLevel() {
			if !seen[t.Name] {
				seen[t.Name] = true
				out = append(out, t.Name)
			}
		}
	}
	return out
}

// verdict classifies one test of a package result. solo says the package
// ran this test alone, so a failure of the package is this test's.
func verdict(name string, pkg *testjson.Package, ctx failure.Context, solo bool) Test {
	t := Test{Name: name, Status: NotRun}
	if pkg == nil {
		return t
	}
	if pkg.BuildFailed {
		r := failure.Build(pkg.BuildOutput, ctx)
		t.Report = r
		return t
	}
	res := pkg.Test(name)
	if res == nil {
		if solo && pkg.Status == testjson.Fail {
			// The binary died before the test started (a panic in init or
			// TestMain).
			t.Status, t.Report = classify(testjson.NoVerdict, pkg.Output, ctx)
		}
		return t
	}
	switch res.Status {
	case testjson.Pass:
		t.Status = Pass
		if solo && pkg.Status == testjson.Fail {
			t.Status, t.Report = classify(testjson.Fail, pkg.Output, ctx)
			if t.Status == Fail {
				// Passed, yet the binary failed: nothing but a leak report
				// is expected here; anything else is a crash after the test.
				t.Status = Crash
			}
		}
		return t
	case testjson.Skip:
		t.Status = Skip
		return t
	}
	t.Status, t.Report = classify(res.Status, output(pkg, name), ctx)
	t.Subtest = failedSubtest(pkg, name)
	return t
}

// failedSubtest is the subtest of name that failed, or never ended (a
// hang, a crash), first in the order they started; of its own subtests,
// the deepest that did. "" when no subtest did.
func failedSubtest(pkg *testjson.Package, name string) string {
	bad := func(t *testjson.Test) bool { return t.Status == testjson.Fail || t.Status == testjson.NoVerdict }
	found := ""
	for {
		prefix := name + "/"
		if found != "" {
			prefix = found + "/"
		}
		deeper := ""
		for _, t := range pkg.Tests {
			if strings.HasPrefix(t.Name, prefix) && !strings.Contains(t.Name[len(prefix):], "/") && bad(t) {
				deeper = t.Name
				break
			}
		}
		if deeper == "" {
			return found
		}
		found = deeper
	}
}

// output gathers a top-level test's lines and those of its subtests.
func output(pkg *testjson.Package, name string) []string {
	var out []string
	for _, t := range pkg.Tests {
		if t.Name == name || strings.HasPrefix(t.Name, name+"/") {
			out = append(out, t.Output...)
		}
	}
	return out
}

// classify maps what the output shows to a verdict.
func classify(status testjson.Status, lines []string, ctx failure.Context) (TestStatus, failure.Report) {
	r := failure.Analyze(lines, ctx)
	switch r.Kind {
	case failure.Timeout, failure.BubbleBlocked:
		return Hang, r
	case failure.BubbleLeak, failure.Leak:
		return Leak, r
	case failure.Panic, failure.Exit:
		return Crash, r
	case failure.Race:
		return Race, r
	}
	if status == testjson.NoVerdict {
		return Crash, failure.Stopped(lines, ctx)
	}
	if r.Kind == failure.None {
		r.Headline = "the test failed without a message"
	}
	return Fail, r
}

// severity orders test verdicts for the lesson's one-word status: a hang
// or a crash hides what comes after it, a race or a leak is easy to
// overlook, a plain failure says the least.
var severity = []struct {
	test   TestStatus
	lesson Status
}{
	{Hang, Hangs}, {Crash, Crashed}, {NotRun, Crashed}, {Race, Races}, {Leak, Leaks}, {Fail, Failing},
}

func worst(l Lesson) Status {
	if l.Package != nil && l.Package.Kind == failure.StartHang {
		return Hangs
	}
	for _, s := range severity {
		for _, t := range l.Tests {
			if t.Status == s.test {
				return s.lesson
			}
		}
	}
	if l.Package != nil {
		switch l.Package.Kind {
		case failure.Leak, failure.BubbleLeak:
			return Leaks
		case failure.None:
			return Failing
		}
		return Crashed
	}
	return Done
}

// finish applies what the manifest says on top of what the tests said.
func finish(l Lesson, tests Status) Lesson {
	l.Status = tests
	switch {
	case l.Diff.TestsChanged():
		l.Status, l.Underlying = TestsChanged, tests
	case l.Diff.Outdated():
		l.Status, l.Underlying = OlderVersion, tests
	case tests != Done && tests != NoCompile && l.Diff.StarterUntouched:
		l.Status, l.Underlying = NotStarted, tests
	}
	return l
}

// FirstProblem returns the test to look at first: the lowest exercise
// number among tests that did not pass, then source order. Nil if none.
func (l Lesson) FirstProblem() *Test {
	var best *Test
	for i := range l.Tests {
		t := &l.Tests[i]
		if t.Status.OK() {
			continue
		}
		if best == nil || (t.Exercise != 0 && (best.Exercise == 0 || t.Exercise < best.Exercise)) {
			best = t
		}
	}
	return best
}

// Verb says what a test verdict means, for sentences like "TestX hangs".
func (s TestStatus) Verb() string {
	switch s {
	case Fail:
		return "fails"
	case Leak:
		return "leaks a goroutine"
	case Race:
		return "has a data race"
	case Hang:
		return "hangs"
	case Crash:
		return "crashes"
	case NotRun:
		return "did not run"
	}
	return string(s)
}

// Problem is one sentence on what is wrong with the lesson, or "" when it
// is done. The files it names are relative to the module root.
func (l Lesson) Problem() string { return l.ProblemFrom(func(p string) string { return p }) }

// ProblemFrom is Problem with the files that a command it quotes (git
// checkout) names made relative, by path, to where the learner stands.
func (l Lesson) ProblemFrom(path func(string) string) string {
	paths := func(files []string) string {
		var out []string
		for _, f := range files {
			out = append(out, path(f))
		}
		return strings.Join(out, " ")
	}
	switch l.Status {
	case Done:
		return ""
	case TestsChanged:
		var parts []string
		if files := l.Diff.Restorable(); len(files) > 0 {
			parts = append(parts, fmt.Sprintf("its test files were changed; restore them with `git checkout -- %s`", paths(files)))
		}
		if len(l.Diff.Extra) > 0 {
			parts = append(parts, fmt.Sprintf("delete the test files that are not part of the lesson: %s", paths(l.Diff.Extra)))
		}
		return strings.Join(parts, "; ") + " (the checker only counts a lesson with its original tests)"
	case OlderVersion:
		return fmt.Sprintf("its test files are from an older version of the workshop (%s): pull the new version without losing your work: git stash, git pull, git stash pop (see CHANGELOG.md)", strings.Join(l.Diff.Older, " "))
	case NoCompile:
		if l.Build != nil && l.Build.Kind == failure.Vet {
			where := ""
			if l.Build.Where != nil {
				where = l.Build.Where.Location() + ": "
			}
			return fmt.Sprintf("go vet, which go test runs before the tests, stops them: %s%s", where, l.Build.Headline)
		}
		if l.Build != nil && l.Build.Where != nil {
			return fmt.Sprintf("it does not compile: %s: %s", l.Build.Where.Location(), l.Build.Headline)
		}
		if l.Build != nil {
			return "it does not compile: " + l.Build.Headline
		}
		return "it does not compile"
	case VetFails:
		return "go vet: " + l.Vet[0].String()
	}
	if l.StoppedBeforeTests() {
		return l.Package.Headline // what stopped the binary says it all
	}
	if t := l.FirstProblem(); t != nil {
		s := fmt.Sprintf("%s %s", t.Shown(), t.Status.Verb())
		if t.Report.Headline != "" {
			s += ": " + t.Report.Headline
		}
		return s
	}
	if l.Package != nil {
		return l.Package.Headline
	}
	return string(l.Status)
}
