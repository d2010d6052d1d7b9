package class

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/splice"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

// workshopRoot is the workshop this package is part of: the instructor's
// copy in these tests.
func workshopRoot(t testing.TB) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("no caller information")
	}
	root, err := lesson.Root(filepath.Dir(self))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// mistake puts a mistake of a lesson into a copy: the solution with the
// mistake's declarations spliced in, as verify grades it.
func mistake(t testing.TB, root, dst, name, mistakeName, file string) {
	t.Helper()
	solPath := filepath.Join(root, "solutions", name, file)
	misPath := filepath.Join(root, "solutions", name, "testdata", "mistakes", mistakeName, file)
	sol, err := os.ReadFile(solPath)
	if err != nil {
		t.Fatal(err)
	}
	mis, err := os.ReadFile(misPath)
	if err != nil {
		t.Fatal(err)
	}
	src, err := splice.File(solPath, sol, misPath, mis)
	if err != nil {
		t.Fatal(err)
	}
	testkit.Solve(t, root, dst, name)
	write(t, filepath.Join(dst, "lessons", name, file), string(src))
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func edit(t testing.TB, path, old, new string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), old) {
		t.Fatalf("%s does not hold %q", path, old)
	}
	write(t, path, strings.Replace(string(data), old, new, 1))
}

// snapshot records every file of a tree: its path, mode, size, time and
// hash, to show that grading wrote nothing.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		sum := ""
		if fi.Mode().IsRegular() {
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum = fmt.Sprintf("%x", sha256.Sum256(data))
		}
		out[p] = fmt.Sprintf("%v %d %v %s", fi.Mode(), fi.Size(), fi.ModTime().UnixNano(), sum)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testClass builds a class under dir from the workshop at root, with one
// copy of each kind a room holds, and returns the manifest to grade it
// with: the instructor's, plus an earlier release of one test file that
// the copy "hal" still has.
func testClass(t testing.TB, root, dir string, shipped manifest.Manifest) manifest.Manifest {
	at := func(name string) string {
		d := filepath.Join(dir, "submissions", name)
		testkit.WorkshopCopy(t, root, d)
		return d
	}
	// ada has done 00 and 01.
	ada := at("ada")
	testkit.Solve(t, root, ada, "00-warmup")
	testkit.Solve(t, root, ada, "01-blocking-chain")

	// bo has done 00 and is stuck in 01: the gauge is not decremented
	// when a query fails.
	bo := at("bo")
	testkit.Solve(t, root, bo, "00-warmup")
	mistake(t, root, bo, "01-blocking-chain", "gauge-not-decremented-on-error", "chain.go")

	// cy edited tests: 00 is solved with a test file touched and another
	// deleted (the instructor's is put back); in 01 the
	// tests are replaced by one that passes on the starter.
	cy := at("cy")
	testkit.Solve(t, root, cy, "00-warmup")
	edit(t, filepath.Join(cy, "lessons/00-warmup/feed_test.go"), "package warmup_test", "package warmup_test // edited")
	if err := os.Remove(filepath.Join(cy, "lessons/00-warmup/visits_test.go")); err != nil {
		t.Fatal(err)
	}
	edit(t, filepath.Join(cy, "lessons/01-blocking-chain/chain.go"), "package chain", "package chain // started")
	write(t, filepath.Join(cy, "lessons/01-blocking-chain/chain_test.go"), "package chain_test\n\nimport \"testing\"\n\nfunc TestEverything(t *testing.T) {}\n")

	// dee solved 00 and added a test of her own, which fails.
	dee := at("dee")
	testkit.Solve(t, root, dee, "00-warmup")
	write(t, filepath.Join(dee, "lessons/00-warmup/mine_test.go"), "package warmup_test\n\nimport \"testing\"\n\nfunc TestMine(t *testing.T) { t.Fatal(\"added by the learner\") }\n")

	// eve's Visit never unlocks: the next visitor waits on the mutex for
	// ever, which synctest cannot see, so the test hangs until -timeout.
	eve := at("eve")
	testkit.Solve(t, root, eve, "00-warmup")
	edit(t, filepath.Join(eve, "lessons/00-warmup/visits.go"), "\tc.n++\n\tc.mu.Unlock()\n", "\tc.n++\n")

	// fay broke her go.mod.
	fay := at("fay")
	testkit.Solve(t, root, fay, "00-warmup")
	edit(t, filepath.Join(fay, "go.mod"), "require (", "requir (")

	// gus points a lesson file at the instructor's solution, out of his
	// copy.
	gus := at("gus")
	testkit.Solve(t, root, gus, "00-warmup")
	feed := filepath.Join(gus, "lessons/00-warmup/feed.go")
	if err := os.Remove(feed); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "solutions/00-warmup/feed.go"), feed); err != nil {
		t.Fatal(err)
	}

	// hal's copy is from an earlier release: one test file of 01 is as
	// that release shipped it, and he has started 01.
	hal := at("hal")
	testkit.Solve(t, root, hal, "00-warmup")
	older := filepath.Join(hal, "lessons/01-blocking-chain/chain_test.go")
	edit(t, older, "package chain_test", "package chain_test // as an earlier release shipped it")
	edit(t, filepath.Join(hal, "lessons/01-blocking-chain/chain.go"), "package chain", "package chain // started")
	data, err := os.ReadFile(older)
	if err != nil {
		t.Fatal(err)
	}
	m := manifest.New()
	m.Tests, m.Starters = shipped.Tests, shipped.Starters
	for p, sums := range shipped.Earlier {
		m.Earlier[p] = append([]string(nil), sums...)
	}
	m.Earlier["lessons/01-blocking-chain/chain_test.go"] = append(m.Earlier["lessons/01-blocking-chain/chain_test.go"], manifest.Sum(data))

	// ivy's go.mod names another module.
	ivy := at("ivy")
	edit(t, filepath.Join(ivy, "go.mod"), "module "+lesson.ModulePath, "module example.com/ivy/workshop")

	// jo replaced goleak with a fake that finds nothing, and her Sleep
	// leaves a goroutine behind.
	jo := at("jo")
	mistake(t, root, jo, "00-warmup", "sleep-in-goroutine", "sleep.go")
	edit(t, filepath.Join(jo, "go.mod"), "\ntool (", "\nreplace go.uber.org/goleak => ./fakeleak\n\ntool (")
	write(t, filepath.Join(jo, "fakeleak/go.mod"), "module go.uber.org/goleak\n\ngo 1.20\n")
	write(t, filepath.Join(jo, "fakeleak/leak.go"), "package goleak\n\ntype Option int\n\nfunc VerifyNone(t interface{}, _ ...Option) {}\nfunc IgnoreCurrent() Option { return 0 }\n")

	// jo also vendored a fake goleak; -mod=mod leaves vendor/ unused.
	write(t, filepath.Join(jo, "vendor/modules.txt"), "# go.uber.org/goleak v1.3.0\n## explicit\ngo.uber.org/goleak\n")
	write(t, filepath.Join(jo, "vendor/go.uber.org/goleak/leak.go"), "package goleak\n\ntype Option int\n\nfunc VerifyNone(t interface{}, _ ...Option) {}\nfunc IgnoreCurrent() Option { return 0 }\n")

	// lu's Sleep ends the test binary with os.Exit(0), which the testing
	// package turns into a panic.
	lu := at("lu")
	testkit.Solve(t, root, lu, "00-warmup")
	write(t, filepath.Join(lu, "lessons/00-warmup/sleep.go"), "package warmup\n\nimport (\n\t\"context\"\n\t\"os\"\n\t\"time\"\n)\n\n// Sleep leaves.\nfunc Sleep(ctx context.Context, d time.Duration) error {\n\tos.Exit(0)\n\treturn nil\n}\n")

	// kim is a link to another copy: never followed.
	if err := os.Symlink(ada, filepath.Join(dir, "submissions", "kim")); err != nil {
		t.Fatal(err)
	}
	return m
}

// A whole class, graded end to end with the real go command: every kind
// of copy a room holds gets the verdict it deserves, nothing is written
// into any copy, and the report says where the class is.
func TestAClassIsGradedWithTheInstructorsTests(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs lessons of ten copies")
	}
	root := workshopRoot(t)
	dir := t.TempDir()
	shippedData, err := os.ReadFile(filepath.Join(root, "checker", "manifest.txt"))
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := manifest.Parse(shippedData)
	if err != nil {
		t.Fatal(err)
	}
	m := testClass(t, root, dir, shipped)
	before := snapshot(t, dir)

	lessons, err := lesson.LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	in, err := LoadInstructor(root, lessons)
	if err != nil {
		t.Fatal(err)
	}
	// Lessons 00 and 01 are enough for every case, and keep the test
	// short: a copy grades the others "not started" without a build.
	in.Lessons = in.Lessons[:2]
	found, err := Find(dir)
	if err != nil {
		t.Fatal(err)
	}
	goPath, err := gotest.Find()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	copies, err := Grade(context.Background(), in, found, Options{
		Go: goPath, Parallel: 4, Shipped: m, TempDir: t.TempDir(),
		Race: gotest.Go{Path: goPath, Dir: root}.RaceAvailable(context.Background()),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("graded %d copies in %v", len(copies), time.Since(start).Round(time.Millisecond))

	byName := map[string]Copy{}
	for _, c := range copies {
		byName[strings.TrimPrefix(c.Name, "submissions/")] = c
	}
	type want struct {
		problem, notes string // substrings; "" for none
		verdicts       [2]grade.Status
		changed        [2]bool
	}
	wants := map[string]want{
		"ada": {verdicts: [2]grade.Status{grade.Done, grade.Done}},
		"bo":  {verdicts: [2]grade.Status{grade.Done, grade.Failing}},
		"cy":  {verdicts: [2]grade.Status{grade.Done, grade.Failing}, changed: [2]bool{true, true}, notes: "chain_test.go was changed by the learner"},
		"dee": {verdicts: [2]grade.Status{grade.Done, grade.NotStarted}, changed: [2]bool{true, false}, notes: "mine_test.go was added by the learner: left out"},
		"eve": {verdicts: [2]grade.Status{grade.Hangs, grade.NotStarted}},
		"fay": {problem: "broken go.mod"},
		"gus": {verdicts: [2]grade.Status{grade.NoCompile, grade.NotStarted}, notes: "feed.go is a symbolic link out of the copy"},
		"hal": {verdicts: [2]grade.Status{grade.Done, grade.OlderVersion}},
		"ivy": {problem: "go.mod names module example.com/ivy/workshop"},
		"jo":  {verdicts: [2]grade.Status{grade.Leaks, grade.NotStarted}, notes: "go.mod replaces go.uber.org/goleak with ./fakeleak: ignored"},
		"lu":  {verdicts: [2]grade.Status{grade.Failing, grade.NotStarted}}, // 00's tests turn a panic into a failure
		"kim": {problem: "a symbolic link"},
	}
	if len(copies) != len(wants) {
		t.Errorf("found %d copies, want %d", len(copies), len(wants))
	}
	for name, w := range wants {
		c, ok := byName[name]
		if !ok {
			t.Errorf("%s: not found", name)
			continue
		}
		if w.problem != "" || c.Problem != "" {
			if !strings.Contains(c.Problem, w.problem) || w.problem == "" {
				t.Errorf("%s: problem %q, want one that says %q", name, c.Problem, w.problem)
			}
			continue
		}
		if w.notes != "" && !strings.Contains(strings.Join(c.Notes, "\n"), w.notes) {
			t.Errorf("%s: notes %q, want one that says %q", name, c.Notes, w.notes)
		}
		for i, l := range c.Lessons {
			if l.Verdict != w.verdicts[i] || l.TestsChanged != w.changed[i] {
				t.Errorf("%s: lesson %s is %q (tests changed %v: %s), want %q (tests changed %v)", name, l.Number, l.Verdict, l.TestsChanged, l.Problem, w.verdicts[i], w.changed[i])
			}
		}
	}
	if c := byName["bo"]; len(c.Lessons) == 2 {
		if l := c.Lessons[1]; l.Exercise == 0 || l.Test == "" || l.Passed == 0 || l.Passed >= l.Total {
			t.Errorf("bo's 01: exercise %d, test %q, %d of %d: want the exercise and the test he is stuck on, some tests passing", l.Exercise, l.Test, l.Passed, l.Total)
		}
	}
	if c := byName["lu"]; len(c.Lessons) == 2 && !strings.Contains(c.Lessons[0].Problem, "unexpected call to os.Exit(0)") {
		t.Errorf("lu's 00: %q, want the exit named", c.Lessons[0].Problem)
	}
	if c := byName["cy"]; !strings.Contains(strings.Join(c.Notes, "\n"), "lessons/00-warmup/visits_test.go was deleted by the learner: graded with the instructor's") {
		t.Errorf("cy: notes %q, want one that says a deleted test file was put back", c.Notes)
	}
	if c := byName["jo"]; !strings.Contains(strings.Join(c.Notes, "\n"), "vendor is ignored") {
		t.Errorf("jo: notes %q, want one that says vendor is ignored", c.Notes)
	}
	if c := byName["eve"]; len(c.Lessons) == 2 && c.Lessons[0].TestVerdict != grade.Hang {
		t.Errorf("eve's 00: first problem %q (%s), want a hang", c.Lessons[0].TestVerdict, c.Lessons[0].Problem)
	}

	if after := snapshot(t, dir); len(after) != len(before) {
		t.Errorf("grading changed the class: %d files before, %d after", len(before), len(after))
	} else {
		for p, s := range before {
			if after[p] != s {
				t.Errorf("grading wrote into %s", p)
			}
		}
	}

	r := NewReport(in.Lessons, copies, false)
	if got := r.Sentence(0); !strings.HasPrefix(got, "5 of 9 done with 00; ") {
		t.Errorf("00: %q", got)
	}
	// bo is on a later exercise of 01 than cy, whose starter fails the
	// first; hal is on an older version, not stuck.
	if got := r.Sentence(1); !strings.HasPrefix(got, "1 of 9 done with 01; 1 stuck on exercise 1 'Two queries, one after the other', 1 on others;") || !strings.Contains(got, "1 on an older version") {
		t.Errorf("01: %q", got)
	}
	if first := r.Copies[0]; first.Problem == "" {
		t.Errorf("first in the report: %s, want a copy that was not graded", first.Name)
	}
	var text bytes.Buffer
	for _, c := range r.Copies {
		fmt.Fprintf(&text, "%s %v %q\n", c.Name, r.Stuck(c), c.Problem)
	}
	t.Logf("report order:\n%s", text.String())
}

// Under -sandbox a learner's code can write neither into the copy nor
// anywhere else the instructor can: the same code, graded without it,
// does both. Skipped where bubblewrap cannot make a sandbox.
func TestTheSandboxKeepsALearnersCodeFromWriting(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a lesson twice")
	}
	sandbox, err := FindSandbox()
	if err != nil {
		t.Skipf("no sandbox here: %v", err)
	}
	root := workshopRoot(t)
	dir, outside := t.TempDir(), t.TempDir()
	for _, name := range []string{"boxed", "free"} {
		d := filepath.Join(dir, name)
		testkit.WorkshopCopy(t, root, d)
		testkit.Solve(t, root, d, "00-warmup")
		write(t, filepath.Join(d, "lessons/00-warmup/spy.go"), fmt.Sprintf(`package warmup

import "os"

// The test binary starts in the lesson's folder, in the copy.
func init() {
	_ = os.WriteFile("written-by-the-learner", []byte("x"), 0o644)
	_ = os.WriteFile(%q, []byte("x"), 0o644)
}
`, filepath.Join(outside, name)))
	}
	lessons, err := lesson.LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	in, err := LoadInstructor(root, lessons)
	if err != nil {
		t.Fatal(err)
	}
	in.Lessons = in.Lessons[:1]
	goPath, err := gotest.Find()
	if err != nil {
		t.Fatal(err)
	}
	shipped := manifest.New()
	for _, name := range []string{"boxed", "free"} {
		opt := Options{Go: goPath, Shipped: shipped, TempDir: t.TempDir(),
			Race: gotest.Go{Path: goPath, Dir: root}.RaceAvailable(context.Background())}
		if name == "boxed" {
			opt.Sandbox = sandbox
		}
		copies, err := Grade(context.Background(), in, []Found{{Name: name, Dir: filepath.Join(dir, name)}}, opt)
		if err != nil {
			t.Fatal(err)
		}
		c := copies[0]
		if c.Problem != "" || c.Lessons[0].Verdict != grade.Done {
			t.Fatalf("%s: %q, 00 %q (%s): want it graded done", name, c.Problem, c.Lessons[0].Verdict, c.Lessons[0].Problem)
		}
		_, errIn := os.Stat(filepath.Join(dir, name, "lessons/00-warmup/written-by-the-learner"))
		_, errOut := os.Stat(filepath.Join(outside, name))
		wrote := errIn == nil || errOut == nil
		if name == "boxed" && wrote {
			t.Errorf("in the sandbox, the learner's code wrote into the copy (%v) or outside it (%v)", errIn == nil, errOut == nil)
		}
		if name == "free" && (errIn != nil || errOut != nil) {
			t.Errorf("without the sandbox the same code should have written both files (the test would prove nothing): %v, %v", errIn, errOut)
		}
	}
}
