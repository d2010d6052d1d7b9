package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/progress"
	"github.com/wherewaiting/workshop/checker/internal/repo"
	"github.com/wherewaiting/workshop/checker/internal/report"
	"github.com/wherewaiting/workshop/checker/internal/rerun"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
	"github.com/wherewaiting/workshop/checker/internal/verify"
)

// Timeouts: a lesson test takes milliseconds of virtual time, so a test
// that runs for seconds is stuck. A test run alone gets less.
const (
	runTimeout  = 10 * time.Second
	soloTimeout = 5 * time.Second
)

// soloParallel is how many single-test runs go at once after a crash. A
// hung test binary uses no CPU while it waits for its timeout, so running
// more of them than there are cores lets a lesson whose every test hangs
// finish in about one timeout rather than one per core's share of tests.
const soloParallel = 8

// workshop is the repository the checker runs in.
type workshop struct {
	root    string
	lessons []repo.Lesson
}

func findWorkshop() (workshop, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return workshop{}, err
	}
	root, err := repo.Root(cwd)
	if err != nil {
		return workshop{}, err
	}
	lessons, err := repo.Lessons(root)
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(root, "lessons")); !errors.Is(statErr, os.ErrNotExist) {
			return workshop{}, err
		}
		lessons = nil // no lesson written yet: every lesson is coming soon
	}
	return workshop{root: root, lessons: lessons}, nil
}

// grader runs the lessons' tests and grades them.
type grader struct {
	ws     workshop
	runner gotest.Runner
	race   bool
	bar    *progress.Bar
}

func gradeAll(ctx context.Context, out output) int {
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	results, race, err := gradeLessons(ctx, out, ws, ws.lessons, "./lessons/...")
	if err != nil {
		return out.errorf("%v", err)
	}
	entries := report.Entries(results, todos(ws, ws.lessons))
	opt := report.Options{Color: out.color, RaceChecked: race, CdToRoot: cdToRoot(ws.root)}
	if out.json {
		if err := report.JSON(out.stdout, entries, opt); err != nil {
			return out.errorf("%v", err)
		}
		return exitOK
	}
	report.Summary(out.stdout, entries, opt)
	return exitOK
}

func gradeOne(ctx context.Context, out output, arg string) int {
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	l, found, err := repo.Match(ws.lessons, arg)
	if err != nil {
		fmt.Fprintf(out.stderr, "checker: %v\nRun `go run ./checker -h` for help.\n", err)
		return exitUsage
	}
	opt := report.Options{Color: out.color, RaceChecked: true, CdToRoot: cdToRoot(ws.root)}
	if !found {
		e := report.Entry{Number: l.Number, Slug: l.Slug, Title: repo.PlannedTitle(l.Number)}
		if out.json {
			_ = report.JSON(out.stdout, []report.Entry{e}, opt)
		} else {
			report.Detail(out.stdout, e, opt)
		}
		return exitOK
	}
	results, race, err := gradeLessons(ctx, out, ws, []repo.Lesson{l}, "./"+filepath.ToSlash(l.Dir())+"/")
	if err != nil {
		return out.errorf("%v", err)
	}
	opt.RaceChecked = race
	entries := report.Entries(results, todos(ws, []repo.Lesson{l}))
	var e report.Entry
	for _, x := range entries {
		if x.Result != nil {
			e = x
		}
	}
	if out.json {
		if err := report.JSON(out.stdout, []report.Entry{e}, opt); err != nil {
			return out.errorf("%v", err)
		}
		return exitOK
	}
	report.Detail(out.stdout, e, opt)
	return exitOK
}

// gradeLessons runs go test once over pattern, re-runs the tests of
// crashed packages one by one, and grades each lesson.
func gradeLessons(ctx context.Context, out output, ws workshop, lessons []repo.Lesson, pattern string) ([]grade.Lesson, bool, error) {
	shipped, err := manifest.Parse(embeddedManifest)
	if err != nil {
		return nil, false, fmt.Errorf("the checker's own manifest is broken (%v): run `go run ./checker manifest`", err)
	}
	current, err := manifest.Compute(ws.root)
	if err != nil && len(lessons) > 0 {
		return nil, false, fmt.Errorf("reading the lessons: %v", err)
	}
	if len(lessons) == 0 {
		return nil, true, nil
	}
	goPath, err := gotest.Find()
	if err != nil {
		return nil, false, err
	}
	runner := gotest.Go{Path: goPath, Dir: ws.root}
	race := runner.RaceAvailable(ctx)

	what := fmt.Sprintf("testing %d lessons", len(lessons))
	if len(lessons) == 1 {
		what = "testing " + lessons[0].Name()
	}
	var progressOut io.Writer = out.stderr
	if out.json && !out.tty {
		progressOut = io.Discard // a machine reads stdout; keep its logs quiet
	}
	bar := progress.Start(progressOut, out.tty, what, len(lessons))
	defer bar.Stop()
	g := grader{ws: ws, runner: runner, race: race, bar: bar}
	results, err := g.grade(ctx, lessons, pattern, current, shipped)
	return results, g.race, err
}

func (g *grader) grade(ctx context.Context, lessons []repo.Lesson, pattern string, current, shipped manifest.Manifest) ([]grade.Lesson, error) {
	req := gotest.Request{Patterns: []string{pattern}, Race: g.race, Timeout: runTimeout}
	run, err := g.runner.Run(ctx, req, g.bar.Event)
	if errors.Is(err, gotest.ErrNoRace) {
		// cgo is on but no C compiler works, or the platform has no race
		// detector: grade without it rather than not at all.
		g.race, req.Race, req.NoCgo = false, false, true
		run, err = g.runner.Run(ctx, req, g.bar.Event)
	}
	if err != nil {
		return nil, err
	}

	declared := map[string][]string{}
	var jobs []rerun.Job
	for _, l := range lessons {
		names, _ := lessonsrc.Tests(filepath.Join(g.ws.root, l.Dir()))
		declared[l.Name()] = names
		for _, t := range rerun.Needed(run.Package(l.ImportPath()), names) {
			jobs = append(jobs, rerun.Job{Pattern: "./" + filepath.ToSlash(l.Dir()) + "/", Test: t})
		}
	}
	var solo map[rerun.Job]*testjson.Package
	if len(jobs) > 0 {
		g.bar.Note(fmt.Sprintf("a test binary stopped early; running %d tests one at a time", len(jobs)))
		base := gotest.Request{Race: g.race, NoCgo: req.NoCgo, Timeout: soloTimeout}
		solo = rerun.Run(ctx, g.runner, base, jobs, soloParallel, nil)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}

	var results []grade.Lesson
	for _, l := range lessons {
		dir := filepath.Join(g.ws.root, l.Dir())
		readme := lessonsrc.ReadReadme(dir)
		in := grade.Input{
			Lesson:    l,
			Title:     readme.Title,
			Root:      g.ws.root,
			Package:   run.Package(l.ImportPath()),
			Declared:  declared[l.Name()],
			Solo:      map[string]*testjson.Package{},
			Diff:      shipped.Compare(current, filepath.ToSlash(l.Dir())),
			Exercises: readme.ExerciseOf(),
		}
		for j, p := range solo {
			if j.Pattern == "./"+filepath.ToSlash(l.Dir())+"/" {
				in.Solo[j.Test] = p
			}
		}
		r := grade.Grade(in)
		if r.Build != nil && r.Build.Kind == failure.Compile {
			g.tellVetFromCompiler(ctx, l, req, r.Build)
		}
		results = append(results, r)
	}
	return results, nil
}

// tellVetFromCompiler finds out whether a build that failed was stopped by
// the compiler or by go vet, which go test runs first: both print
// "file:line: message" under the same header. Building the tests again with
// vet off settles it; the run builds only this lesson and runs no test.
func (g *grader) tellVetFromCompiler(ctx context.Context, l repo.Lesson, req gotest.Request, build *failure.Report) {
	again := gotest.Request{
		Patterns: []string{"./" + filepath.ToSlash(l.Dir()) + "/"},
		Race:     req.Race,
		NoCgo:    req.NoCgo,
		NoVet:    true,
		Run:      "^$",
		Timeout:  soloTimeout,
	}
	run, err := g.runner.Run(ctx, again, nil)
	if err != nil {
		return
	}
	if p := run.Package(l.ImportPath()); p != nil && !p.BuildFailed {
		build.Kind = failure.Vet
	}
}

// todos finds the first TODO mark of each lesson, for "start here".
func todos(ws workshop, lessons []repo.Lesson) map[string]*lessonsrc.TODO {
	out := map[string]*lessonsrc.TODO{}
	for _, l := range lessons {
		if ts, err := lessonsrc.TODOs(filepath.Join(ws.root, l.Dir())); err == nil && len(ts) > 0 {
			out[l.Name()] = &ts[0]
		}
	}
	return out
}

func writeManifest(out output) int {
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	m, err := manifest.Compute(ws.root)
	if err != nil && len(ws.lessons) > 0 {
		return out.errorf("reading the lessons: %v", err)
	}
	file := filepath.Join(ws.root, "checker", "manifest.txt")
	if err := os.WriteFile(file, m.Bytes(), 0o644); err != nil {
		return out.errorf("%v", err)
	}
	fmt.Fprintf(out.stdout, "wrote checker/manifest.txt: %d test files and %d starter files in %d lessons\n", len(m.Tests), len(m.Starters), len(ws.lessons))
	return exitOK
}

func runVerify(ctx context.Context, out output, count int) int {
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	_, failed := verify.Run(ctx, verify.Config{
		Root:     ws.root,
		Manifest: embeddedManifest,
		Out:      out.stdout,
		Color:    out.color,
		Count:    count,
	})
	if failed > 0 {
		return exitError
	}
	return exitOK
}

// runTry runs `try NN [MISTAKE] [go test flags]`.
func runTry(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out := output{stdout: stdout, stderr: stderr}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "checker: try needs a lesson: go run ./checker try NN [MISTAKE] [go test flags]")
		return exitUsage
	}
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	l, found, err := repo.Match(ws.lessons, args[0])
	if err != nil {
		fmt.Fprintf(stderr, "checker: %v\n", err)
		return exitUsage
	}
	if !found {
		return out.errorf("lesson %s is not written yet", l.Name())
	}
	mistake, flags := "", args[1:]
	if len(flags) > 0 && !strings.HasPrefix(flags[0], "-") {
		mistake, flags = flags[0], flags[1:]
	}
	err = verify.Try(ctx, ws.root, l, mistake, flags, stdout, stderr)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit):
		return exitError // go test said why
	default:
		return out.errorf("%v", err)
	}
}

// cdToRoot is the way from the current folder to the workshop's root, or
// "" when the checker already runs there.
func cdToRoot(root string) string {
	cwd, err := os.Getwd()
	if err != nil {
		return ""
	}
	rel, err := filepath.Rel(cwd, root)
	if err != nil || rel == "." {
		return ""
	}
	if len(rel) > len(root) {
		return root
	}
	return rel
}
