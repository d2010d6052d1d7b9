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

	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/grading"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/progress"
	"github.com/wherewaiting/workshop/checker/internal/report"
	"github.com/wherewaiting/workshop/checker/internal/verify"
)

// workshop is the repository the checker runs in and its lessons, drafts
// included.
type workshop struct {
	root    string
	lessons []*lesson.Lesson
}

func findWorkshop() (workshop, error) {
	cwd, err := os.Getwd()
	if err != nil {
		return workshop{}, err
	}
	root, err := lesson.Root(cwd)
	if err != nil {
		return workshop{}, err
	}
	lessons, err := lesson.LoadAll(root)
	if err != nil {
		if _, statErr := os.Stat(filepath.Join(root, "lessons")); !errors.Is(statErr, os.ErrNotExist) {
			return workshop{}, err
		}
		lessons = nil // no lesson written yet: every lesson is coming soon
	}
	return workshop{root: root, lessons: lessons}, nil
}

// published are the lessons a learner sees: drafts are left out.
func (ws workshop) published() []*lesson.Lesson {
	var out []*lesson.Lesson
	for _, l := range ws.lessons {
		if !l.Draft {
			out = append(out, l)
		}
	}
	return out
}

// ids lists the lessons' IDs.
func ids(lessons []*lesson.Lesson) []lesson.ID {
	out := make([]lesson.ID, len(lessons))
	for i, l := range lessons {
		out[i] = l.ID
	}
	return out
}

// runGrade is the learner's command: every lesson, or one in detail.
func runGrade(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("checker", stderr)
	jsonOut := fs.Bool("json", false, "print one JSON document instead of text")
	noColor := fs.Bool("no-color", false, "no colours (also when NO_COLOR is set or the output is not a terminal)")
	all := fs.Bool("all", false, "with NN: every failing test in full, not only those of the exercise you are on")
	require := fs.String("require", "", "grade lesson `NN` alone, and exit with status 1 unless it is done (autograding)")
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	if len(positional) > 1 {
		return tooMany(fs, "one lesson at a time, got "+strings.Join(positional, " "))
	}
	if *require != "" {
		if len(positional) == 1 && positional[0] != *require {
			return tooMany(fs, fmt.Sprintf("-require %s grades lesson %s alone, got lesson %s too", *require, *require, positional[0]))
		}
		positional = []string{*require}
	}
	out := newOutput(stdout, stderr, *jsonOut, *noColor)
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	opt := report.Options{Color: out.color, Place: place(ws.root), All: *all}
	if len(positional) == 0 {
		return gradeAll(ctx, out, ws, opt)
	}
	return gradeOne(ctx, out, ws, positional[0], opt, *require != "")
}

func gradeAll(ctx context.Context, out output, ws workshop, opt report.Options) int {
	lessons := ws.published()
	res, err := gradeLessons(ctx, out, ws, lessons)
	if err != nil {
		return out.errorf("%v", err)
	}
	entries := report.Entries(res.Lessons, firstTODOs(lessons))
	opt.RaceChecked = res.RaceChecked
	if out.json {
		if err := report.JSON(out.stdout, entries, opt); err != nil {
			return out.errorf("%v", err)
		}
		return exitOK
	}
	report.Summary(out.stdout, entries, opt)
	return exitOK
}

// gradeOne grades one lesson in detail. With require, the exit status is
// 1 unless the lesson is done, for an autograder that awards points by it.
func gradeOne(ctx context.Context, out output, ws workshop, arg string, opt report.Options, require bool) int {
	lessons := ws.published()
	id, found, err := lesson.Match(ids(lessons), arg)
	if err != nil {
		fmt.Fprintf(out.stderr, "checker: %v\nRun `%s -h` for help.\n", err, opt.Place.Checker())
		return exitUsage
	}
	opt.RaceChecked = true
	var e report.Entry
	if !found {
		e = report.Entry{Number: id.Number, Slug: id.Slug, Title: lesson.PlannedTitle(id.Number)}
	} else {
		var l *lesson.Lesson
		for _, x := range lessons {
			if x.ID == id {
				l = x
			}
		}
		g, err := learner(ctx, ws)
		if err != nil {
			return out.errorf("%v", err)
		}
		bar := startProgress(out, 1, "testing "+l.Name())
		res, err := g.Lesson(ctx, l, grading.Progress{OnEvent: bar.Event, Note: bar.Note})
		bar.Stop()
		if err != nil {
			return out.errorf("%v", err)
		}
		opt.RaceChecked = res.RaceChecked
		for _, x := range report.Entries([]grade.Lesson{res.Lesson}, firstTODOs([]*lesson.Lesson{l})) {
			if x.Result != nil {
				e = x
			}
		}
	}
	if out.json {
		if err := report.JSONLesson(out.stdout, e, opt); err != nil {
			return out.errorf("%v", err)
		}
	} else {
		report.Detail(out.stdout, e, opt)
	}
	if require && e.Status() != grade.Done {
		fmt.Fprintf(out.stderr, "checker: lesson %s is not done (%s)\n", e.Number, e.Status())
		return exitError
	}
	return exitOK
}

// learner is the grading of this copy, with the manifest the checker
// ships.
func learner(ctx context.Context, ws workshop) (*grading.Learner, error) {
	shipped, err := manifest.Parse(embeddedManifest)
	if err != nil {
		return nil, fmt.Errorf("the checker's own manifest is broken (%v): run `%s manifest`", err, place(ws.root).Checker())
	}
	return grading.NewLearner(ctx, ws.root, shipped)
}

// startProgress shows the progress of a run over n lessons on stderr; a
// machine that reads -json from a pipe gets no progress at all.
func startProgress(out output, n int, what string) *progress.Bar {
	var w io.Writer = out.stderr
	if (out.json && !out.tty) || n == 0 {
		w = io.Discard
	}
	return progress.Start(w, out.tty && n > 0, what, n)
}

// firstTODOs finds the first TODO mark of each lesson, for "start here".
func firstTODOs(lessons []*lesson.Lesson) map[string]*lessonsrc.TODO {
	out := map[string]*lessonsrc.TODO{}
	for _, l := range lessons {
		if len(l.TODOs) > 0 {
			out[l.Name()] = &l.TODOs[0]
		}
	}
	return out
}

func writeManifest(args []string, stdout, stderr io.Writer) int {
	fs := flagSet("manifest", stderr)
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	if len(positional) > 0 {
		return tooMany(fs, "manifest takes no argument, got "+strings.Join(positional, " "))
	}
	out := newOutput(stdout, stderr, false, true)
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	m, err := manifest.Compute(ws.root)
	if err != nil && len(ws.lessons) > 0 {
		return out.errorf("reading the lessons: %v", err)
	}
	// The file on disk, not the embedded copy, holds the history to keep:
	// the same file unless someone edited it since the checker was built.
	file := filepath.Join(ws.root, "checker", "manifest.txt")
	prev := manifest.New()
	if data, err := os.ReadFile(file); err == nil {
		if prev, err = manifest.Parse(data); err != nil {
			return out.errorf("checker/manifest.txt does not parse, and its earlier releases must not be lost: %v", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return out.errorf("%v", err)
	}
	m = m.Keep(prev)
	if err := os.WriteFile(file, m.Bytes(), 0o644); err != nil {
		return out.errorf("%v", err)
	}
	earlier := 0
	for _, sums := range m.Earlier {
		earlier += len(sums)
	}
	fmt.Fprintf(out.stdout, "wrote checker/manifest.txt: %d test files and %d starter files in %d lessons, and %d earlier versions of test files\n", len(m.Tests), len(m.Starters), len(ws.published()), earlier)
	return exitOK
}

// drawPictures runs `slides`: it draws the slides' pictures again from the
// tests, into slides/timelines/.
func drawPictures(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("slides", stderr)
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	if len(positional) > 0 {
		return tooMany(fs, "slides draws every lesson's pictures and takes no argument, got "+strings.Join(positional, " "))
	}
	out := newOutput(stdout, stderr, false, true)
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	if err := verify.Pictures(ctx, ws.root, out.stdout); err != nil {
		return out.errorf("drawing the slides' pictures: %v", err)
	}
	return exitOK
}

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("verify", stderr)
	noColor := fs.Bool("no-color", false, "no colours (also when NO_COLOR is set or the output is not a terminal)")
	count := fs.Int("count", 0, fmt.Sprintf("how many times each solution's tests run (0: %d)", verify.DefaultCount))
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	if len(positional) > 0 {
		return tooMany(fs, "verify checks the whole workshop and takes no lesson, got "+strings.Join(positional, " "))
	}
	out := newOutput(stdout, stderr, false, *noColor)
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	_, failed := verify.Run(ctx, verify.Config{
		Root:     ws.root,
		Manifest: embeddedManifest,
		Out:      out.stdout,
		Color:    out.color,
		Count:    *count,
	})
	if failed > 0 {
		return exitError
	}
	return exitOK
}

// runTry runs `try NN [MISTAKE] [go test flags]`. Drafts count: their
// author works on them with it.
func runTry(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	out := output{stdout: stdout, stderr: stderr}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "checker: try needs a lesson: "+checkerHere()+" try NN [MISTAKE] [go test flags]")
		return exitUsage
	}
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	id, found, err := lesson.Match(ids(ws.lessons), args[0])
	if err != nil {
		fmt.Fprintf(stderr, "checker: %v\n", err)
		return exitUsage
	}
	if !found {
		return out.errorf("lesson %s is not written yet", id.Name())
	}
	mistake, flags := "", args[1:]
	if len(flags) > 0 && !strings.HasPrefix(flags[0], "-") {
		mistake, flags = flags[0], flags[1:]
	}
	err = verify.Try(ctx, lesson.Load(ws.root, id), mistake, flags, stdout, stderr)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &exit):
		return exitError // go test said why
	case errors.Is(err, verify.ErrCoverage):
		fmt.Fprintf(stderr, "checker: try %v\n", err)
		return exitUsage
	default:
		return out.errorf("%v", err)
	}
}

// place is the folder the checker runs in, relative to the workshop's
// root, so that the commands it shows work there.
func place(root string) report.Place {
	cwd, err := os.Getwd()
	if err != nil {
		return report.Place{}
	}
	rel, err := filepath.Rel(root, cwd)
	if err != nil || rel == "." || strings.HasPrefix(rel, "..") {
		return report.Place{}
	}
	return report.Place{Here: filepath.ToSlash(rel)}
}

// checkerHere is the command that runs the checker in the current folder.
func checkerHere() string {
	cwd, err := os.Getwd()
	if err != nil {
		return report.Place{}.Checker()
	}
	root, err := lesson.Root(cwd)
	if err != nil {
		return report.Place{}.Checker()
	}
	return place(root).Checker()
}

// usageHere is the help text with the commands that work here. The
// descriptions keep their column: `go tool checker` is a letter shorter.
func usageHere() string {
	c := checkerHere()
	if c == (report.Place{}).Checker() {
		return usage
	}
	lines := strings.Split(usage, "\n")
	for i, l := range lines {
		rest, ok := strings.CutPrefix(l, "  go run ./checker")
		if !ok {
			continue
		}
		if j := strings.Index(rest, "   "); j >= 0 {
			rest = rest[:j] + " " + rest[j:]
		}
		lines[i] = "  " + c + rest
	}
	return strings.Join(lines, "\n")
}

// gradeLessons grades lessons the way the overview does, with progress on
// stderr: the overview itself, and hint and watch, which need the verdicts.
// Lessons still exactly as shipped are not built: they are not started.
func gradeLessons(ctx context.Context, out output, ws workshop, lessons []*lesson.Lesson) (grading.Result, error) {
	if len(lessons) == 0 {
		return grading.Result{RaceChecked: true}, nil
	}
	g, err := learner(ctx, ws)
	if err != nil {
		return grading.Result{}, err
	}
	toRun := len(g.Touched(lessons))
	what := fmt.Sprintf("testing %d lessons", toRun)
	switch {
	case len(lessons) == 1:
		what = "testing " + lessons[0].Name()
	case toRun == 1:
		what = "testing 1 lesson"
	}
	bar := startProgress(out, toRun, what)
	defer bar.Stop()
	return g.Overview(ctx, lessons, grading.Progress{OnEvent: bar.Event, Note: bar.Note})
}
