package verify

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestReporterPrintsOneLinePerCheckAndCounts(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{out: &buf}
	r.check("a passes", nil)
	r.check("b fails", []string{"first reason", "second\nreason"})
	want := "PASS a passes\nFAIL b fails\n    first reason\n    second\n    reason\n"
	if got := buf.String(); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if r.passed != 1 || r.failed != 1 {
		t.Errorf("got %d passed, %d failed; want 1 and 1", r.passed, r.failed)
	}
}

func TestReporterColoursMarksOnlyWhenAsked(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{out: &buf, color: true}
	r.check("a", nil)
	r.check("b", []string{"why"})
	got := buf.String()
	if !strings.Contains(got, ansi.Green+"✓"+ansi.Reset+" a\n") || !strings.Contains(got, ansi.Red+"✗"+ansi.Reset+" b\n") {
		t.Errorf("got %q, want a green ✓ and a red ✗", got)
	}
}

func TestReporterCutsLongDetails(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{out: &buf}
	lines := make([]string, maxDetail+5)
	for i := range lines {
		lines[i] = "detail"
	}
	r.check("long", lines)
	got := strings.Count(buf.String(), "    detail\n")
	if got != maxDetail || !strings.Contains(buf.String(), "… 5 more lines") {
		t.Errorf("got %d detail lines in %q, want %d and a note of 5 more", got, buf.String(), maxDetail)
	}
}

func TestExcerptDropsNoiseAndCounts(t *testing.T) {
	in := []string{"=== RUN   TestX\n", "    x_test.go:9: want 1\n", "\n", "--- FAIL: TestX (0.00s)\n", "FAIL\n", "a\n", "b\n"}
	got := excerpt(in, newPathMapper("/home/learner/workshop", nil), 3)
	want := []string{"    x_test.go:9: want 1", "--- FAIL: TestX (0.00s)", "a", "… 1 more lines"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// runOn runs verify on the workshop at root, with the manifest given.
func runOn(root string, manifest []byte) (out string, passed, failed int) {
	var buf bytes.Buffer
	passed, failed = Run(context.Background(), Config{Root: root, Manifest: manifest, Out: &buf})
	return buf.String(), passed, failed
}

func TestRunOnAFolderWithoutLessonsSaysSo(t *testing.T) {
	var buf bytes.Buffer
	passed, failed := Run(context.Background(), Config{Root: t.TempDir(), Out: &buf})
	out := buf.String()
	if passed != 0 || failed == 0 {
		t.Errorf("got %d passed, %d failed; want failures only", passed, failed)
	}
	if !strings.Contains(out, "FAIL lessons found\n    no lessons folder") {
		t.Errorf("got\n%s\nwant a failed \"lessons found\" check", out)
	}
	if !strings.HasSuffix(out, "\n0 passed, 2 failed\n") {
		t.Errorf("got\n%s\nwant it to end with the plain line \"0 passed, 2 failed\"", out)
	}
}

// The fixture under testdata/fixture is a tiny workshop of its own (module
// github.com/wherewaiting/workshop, standard library only): one lesson with
// a starter, tests, a solution, four mistakes (one fails, one panics so
// that its second test needs a re-run, one leaks in a synctest bubble, one
// only go vet's lostcancel reports), a README, a deck and a support package.
func fixtureRoot(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs go test on the fixture workshop")
	}
	// These tests mostly wait for go test processes: they run side by side.
	t.Parallel()
	root, err := filepath.Abs(filepath.Join("testdata", "fixture"))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func manifestOf(t *testing.T, root string) []byte {
	t.Helper()
	m, err := manifest.Compute(root)
	if err != nil {
		t.Fatal(err)
	}
	return m.Bytes()
}

func TestRunPassesEveryCheckOnTheFixture(t *testing.T) {
	root := fixtureRoot(t)
	out, passed, failed := runOn(root, manifestOf(t, root))
	if failed != 0 {
		t.Fatalf("got %d failed checks, want none:\n%s", failed, out)
	}
	testkit.Contains(t, out,
		"PASS support internal/shout: tests pass\n",
		"PASS 01-echo: every test checks for leaks (goleak) and runs on virtual time (synctest)\n",
		"PASS 01-echo: starter compiles, its tests fail, nothing hangs\n",
		"PASS 01-echo: every exercise has a test that fails on the starter\n",
		"PASS 01-echo: solution passes every test under -race, 3 times, without leaks\n",
		"PASS 01-echo: mistake empty-echo is caught by TestEchoReturnsItsInput, TestTwiceRepeatsItsInput\n",
		"PASS 01-echo: mistake cancel-dropped is caught by go vet (lostcancel)\n",
		"PASS 01-echo: mistake leaky-echo is caught by TestEchoReturnsItsInput (leak)\n",
		"PASS 01-echo: mistake panicking-echo is caught by TestEchoReturnsItsInput (crash), TestTwiceRepeatsItsInput (crash)\n",
		"PASS deck slides/01-echo.slide parses, its files exist, 8–18 slides\n",
		"PASS deck slides/01-echo.slide: every slide fits a 1280×800 screen\n",
		"PASS deck slides/01-echo.slide: title slide is \"# NN · Title\", \"Where Waiting Lives · lesson NN\", \"Tags: …\"\n",
		"PASS deck slides/01-echo.slide: no solution before \"Your turn\"; solution slides titled \"Solution: \"…\n",
		"PASS 01-echo: README diagrams pass the Mermaid lint\n",
		"PASS 01-echo: the first test that fails on the starter belongs to exercise 1\n",
		"PASS 01-echo: slides/timelines/01-echo/ holds what the tests draw now\n",
		"PASS checker/manifest.txt is current\n",
		"PASS every folder in lessons/ and solutions/ is a lesson NN-slug\n",
		"· building and running 1 starters",
	)
	if !strings.HasSuffix(out, "\n25 passed, 0 failed\n") || passed != 25 {
		t.Errorf("got %d passed and output ending %q, want 25 and the line \"25 passed, 0 failed\"", passed, out[max(0, len(out)-40):])
	}
}

func TestRunReportsWhatIsBrokenInTheFixture(t *testing.T) {
	root := testkit.Copy(t, fixtureRoot(t))
	shipped := manifestOf(t, root)
	const mistakes = "solutions/01-echo/testdata/mistakes/"
	testkit.Write(t, root, map[string]string{
		// A solution that misses an exercise.
		"solutions/01-echo/echo.go": "// Package echo is wrong.\npackage echo\n\n// Echo returns s.\nfunc Echo(s string) string {\n\treturn s\n}\n\n// Twice returns s once.\nfunc Twice(s string) string { return s }\n",
		// A mistake no test catches.
		mistakes + "harmless/echo.go": "// Mistake: none really.\n// Caught by: TestEchoReturnsItsInput\npackage echo\n\n// Echo returns s.\nfunc Echo(s string) string { return s }\n\n// Twice returns s twice.\nfunc Twice(s string) string { return s + s }\n",
		// A mistake whose header names the wrong verdict: it leaks.
		mistakes + "wrong-kind/echo.go": "// Mistake: Echo leaves a goroutine blocked, which the header calls a race.\n// Caught by: TestEchoReturnsItsInput (race)\npackage echo\n\n// Echo returns s.\nfunc Echo(s string) string {\n\tnever := make(chan struct{})\n\tgo func() { <-never }()\n\treturn s\n}\n",
		// A mistake that names an analyzer go vet does not report.
		mistakes + "vet-silent/echo.go": "// Mistake: Echo returns nothing, which the header says go vet reports.\n// Caught by: go vet (lostcancel)\npackage echo\n\n// Echo returns s.\nfunc Echo(s string) string { return \"\" }\n",
		// A mistake that does not compile.
		mistakes + "broken-build/echo.go": "// Mistake: does not build.\n// Caught by: TestEchoReturnsItsInput\npackage echo\n\n// Echo returns s.\nfunc Echo(s string) string { return 1 }\n\n// Twice returns s twice.\nfunc Twice(s string) string { return s + s }\n",
		// An added test file, so the manifest is stale; its test neither
		// checks for leaks nor runs on virtual time, and no exercise names it.
		"lessons/01-echo/extra_test.go": "package echo\n\nimport \"testing\"\n\nfunc TestUnchecked(t *testing.T) {}\n",
	})
	readme := filepath.Join(root, "lessons", "01-echo", "README.md")
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.ReplaceAll(string(data), "<details>", "<p>")
	// A diagram Mermaid cannot render: a semicolon ends the statement.
	broken = strings.Replace(broken, `Echo-->>Caller: "hi"`, `Echo-->>Caller: "hi"; at once`, 1)
	// Exercise 2's test now runs, and fails, first.
	broken = strings.Replace(broken, "1. Make `Echo` return its input.\n   Checked by `TestEchoReturnsItsInput`.\n2. Make `Twice` echo two times. Checked by `TestTwiceRepeatsItsInput`.",
		"1. Make `Twice` echo two times. Checked by `TestTwiceRepeatsItsInput`.\n2. Make `Echo` return its input.\n   Checked by `TestEchoReturnsItsInput`.", 1)
	deckSrc, err := os.ReadFile(filepath.Join(root, "slides", "01-echo.slide"))
	if err != nil {
		t.Fatal(err)
	}
	brokenDeck := strings.Replace(string(deckSrc), "Tags: fixture\n", "", 1)
	// The solution before "Your turn", on a slide too tall for the screen.
	brokenDeck = strings.Replace(brokenDeck, "## Slide 5\n\nText 5.\n", "## Slide 5\n\n.code ../solutions/01-echo/echo.go\n\n"+strings.Repeat("A line.\n\n", 12), 1)
	testkit.Write(t, root, map[string]string{
		"lessons/01-echo/README.md": broken,
		"slides/01-echo.slide":      brokenDeck,
		// A picture that is not what the tests draw.
		"slides/timelines/01-echo/starter/echo.txt": "Echo(\"hi\") = \"hi\"\n",
		// A picture no test draws.
		"slides/timelines/01-echo/solution/old.txt": "old\n",
	})

	var buf bytes.Buffer
	_, failed := Run(context.Background(), Config{Root: root, Manifest: shipped, Out: &buf, Known: []string{"01-echo: slides title"}})
	out := buf.String()
	testkit.Contains(t, out,
		"FAIL 01-echo: README has the required sections\n    no <details> block under ## Hints\n",
		"FAIL 01-echo: solution passes every test under -race, 3 times, without leaks\n    TestTwiceRepeatsItsInput failed:\n",
		"FAIL 01-echo: mistake harmless is caught by TestEchoReturnsItsInput\n    TestEchoReturnsItsInput passed with the mistake applied; it does not catch it ("+mistakes+"harmless)\n    the mistake: none really.\n",
		"FAIL 01-echo: mistake broken-build is caught by TestEchoReturnsItsInput\n    it does not compile, so it proves nothing; a mistake must build:\n    "+mistakes+"broken-build/echo.go:6:",
		"FAIL 01-echo: mistake wrong-kind is caught by TestEchoReturnsItsInput (race)\n    TestEchoReturnsItsInput: a learner sees \"leak\", the header says \"race\": the test ended while a goroutine it started was still blocked\n",
		"FAIL 01-echo: mistake vet-silent is caught by go vet (lostcancel)\n    go vet reports no lostcancel finding (it reports nothing)\n",
		"FAIL 01-echo: every test checks for leaks (goleak) and runs on virtual time (synctest)\n"+
			"    TestUnchecked (lessons/01-echo/extra_test.go:5): does not start with `defer goleak.VerifyNone(t)`\n"+
			"    TestUnchecked (lessons/01-echo/extra_test.go:5): does not run its body in `synctest.Test`\n",
		"FAIL 01-echo: README exercises name every test exactly once\n",
		"FAIL 01-echo: every exercise has hints, and the three questions are asked\n    exercise 1 has no hint:",
		"FAIL checker/manifest.txt is current\n    the manifest is stale: run `go run ./checker manifest`",
		"FAIL 01-echo: README diagrams pass the Mermaid lint\n    lessons/01-echo/README.md:10: `Echo-->>Caller: \"hi\"; at once`: `;` ends a statement",
		"FAIL 01-echo: the first test that fails on the starter belongs to exercise 1\n    `go test ./lessons/01-echo/` shows exercise 2's TestEchoReturnsItsInput failing first",
		"FAIL deck slides/01-echo.slide: every slide fits a 1280×800 screen\n    slide 6 \"Slide 5\" runs off the bottom:",
		"FAIL deck slides/01-echo.slide: no solution before \"Your turn\"; solution slides titled \"Solution: \"…\n    slide 6 \"Slide 5\" shows the solution (../solutions/01-echo/echo.go) before \"Your turn\"",
		"KNOWN deck slides/01-echo.slide: title slide is \"# NN · Title\", \"Where Waiting Lives · lesson NN\", \"Tags: …\"\n    title slide line 3: missing",
		"FAIL 01-echo: slides/timelines/01-echo/ holds what the tests draw now\n"+
			"    slides/timelines/01-echo/starter/echo.txt is not what the tests draw now: line 1 is \"Echo(\\\"hi\\\") = \\\"hi\\\"\", the tests draw \"Echo(\\\"hi\\\") = \\\"\\\"\"\n"+
			"    slides/timelines/01-echo/solution/old.txt: no test draws it any more\n"+
			"    run `go run ./checker slides`",
		"· 1 known failure allowed by knownFailures",
		"+ ",
	)
	if failed != 15 {
		t.Errorf("got %d failed checks, want 15:\n%s", failed, out)
	}
	if strings.Contains(out, root) {
		t.Errorf("got the absolute root in the output, want paths relative to it:\n%s", out)
	}
}

func TestRunChecksADraftOnlyForWhatItCanPromise(t *testing.T) {
	root := testkit.Copy(t, fixtureRoot(t))
	shipped := manifestOf(t, root)
	const tag = "//go:build draft\n\n"
	testkit.Write(t, root, map[string]string{
		// A draft: no README, no deck, one mistake; it compiles with its tag.
		"lessons/02-draft/draft.go":      tag + "// Package draft is half built.\npackage draft\n\n// Half is not done.\nfunc Half() int { return 0 }\n",
		"lessons/02-draft/draft_test.go": tag + "package draft\n\nimport \"testing\"\n\nfunc TestHalf(t *testing.T) { Half() }\n",
		"solutions/02-draft/draft.go":    tag + "// Package draft is half built.\npackage draft\n\n// Half is done.\nfunc Half() int { return 1 }\n",
		// A draft whose test file lacks the tag, and whose solution does not compile.
		"lessons/03-broken/broken.go":      tag + "package broken\n",
		"lessons/03-broken/broken_test.go": "package broken\n",
		"solutions/03-broken/broken.go":    tag + "package broken\n\nfunc F() int { return \"\" }\n",
	})
	out, _, failed := runOn(root, shipped)
	testkit.Contains(t, out,
		"PASS 02-draft (draft): every .go file carries //go:build draft\n",
		"PASS 02-draft (draft): compiles with -tags draft, its tests and its solution\n",
		"FAIL 03-broken (draft): every .go file carries //go:build draft\n    lessons/03-broken/broken_test.go has no //go:build draft line",
		"FAIL 03-broken (draft): compiles with -tags draft, its tests and its solution\n    solutions/03-broken does not compile or vet:\n",
		"PASS every folder in lessons/ and solutions/ is a lesson NN-slug\n",
		"PASS checker/manifest.txt is current\n",
		"· building and running 1 starters",
	)
	if strings.Contains(out, "02-draft: ") {
		t.Errorf("a draft got the checks of a whole lesson:\n%s", out)
	}
	if failed != 2 {
		t.Errorf("got %d failed checks, want 2:\n%s", failed, out)
	}
}

func TestFailedRunPicksOneRunOfARepeatedTest(t *testing.T) {
	out := func(test, line string) testjson.Event {
		return testjson.Event{Action: "output", Package: pkgA, Test: test, Output: line}
	}
	r := stream(t,
		ev("run", pkgA, "TestX"), out("TestX", "--- PASS: TestX (0.00s)\n"), ev("pass", pkgA, "TestX"),
		ev("run", pkgA, "TestX"), out("TestX", "    x_test.go:9: second run failed\n"), ev("fail", pkgA, "TestX"),
		ev("run", pkgA, "TestX"), out("TestX", "    x_test.go:9: third run failed\n"), ev("fail", pkgA, "TestX"),
		ev("run", pkgA, "TestY"), ev("pass", pkgA, "TestY"),
		ev("run", pkgA, "TestY"), out("TestY", "panic: boom\n"),
	)
	if got := strings.Join(failedRun(r.Package(pkgA).Test("TestX")), ""); got != "    x_test.go:9: second run failed\n" {
		t.Errorf("got %q, want the second run's output", got)
	}
	if got := strings.Join(failedRun(r.Package(pkgA).Test("TestY")), ""); got != "panic: boom\n" {
		t.Errorf("crash: got %q, want the last run", got)
	}
}
