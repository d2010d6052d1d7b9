package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/grading"
	"github.com/wherewaiting/workshop/checker/internal/hint"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/watch"
)

// runHint is `hint [NN [EXERCISE [LEVEL]]]`: a hint of the exercise the
// learner is on, or of the one named.
func runHint(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("hint", stderr)
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	if len(positional) > 3 {
		return tooMany(fs, "hint takes a lesson, an exercise and a level at most, got "+strings.Join(positional, " "))
	}
	var numbers [2]int // exercise, level; 0 when not given
	for i, arg := range positional[min(1, len(positional)):] {
		n, err := strconv.Atoi(arg)
		if err != nil || n < 1 {
			fmt.Fprintf(stderr, "checker: the %s must be a number from 1, got %q\nRun `%s hint -h` for help.\n", []string{"exercise", "level"}[i], arg, checkerHere())
			return exitUsage
		}
		numbers[i] = n
	}
	exercise, level := numbers[0], numbers[1]
	out := newOutput(stdout, stderr, false, true)
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	var (
		l      *lesson.Lesson
		graded *grade.Lesson
	)
	if len(positional) == 0 {
		// The lesson the learner is on: the first that is not done.
		res, err := gradeLessons(ctx, out, ws, ws.published())
		if err != nil {
			return out.errorf("%v", err)
		}
		for i, r := range res.Lessons {
			if r.Status != grade.Done {
				l, graded = ws.published()[i], &res.Lessons[i]
				break
			}
		}
		if l == nil {
			fmt.Fprintf(stdout, "Every lesson is done: no hint needed. To read one anyway: %s hint NN EXERCISE\n", place(ws.root).Checker())
			return exitOK
		}
	} else if l, code = findLesson(out, ws, positional[0]); l == nil {
		return code
	}
	hl, err := hint.Load(l)
	if err != nil {
		return out.errorf("%v", err)
	}
	hl.Place = place(ws.root)
	why := ""
	if exercise == 0 {
		if graded == nil {
			res, err := gradeLessons(ctx, out, ws, []*lesson.Lesson{l})
			if err != nil {
				return out.errorf("%v", err)
			}
			graded = &res.Lessons[0]
		}
		if exercise, why, err = hl.Current(*graded); err != nil {
			ask := fmt.Sprintf("To read the hints of an exercise: %s hint %s EXERCISE", place(ws.root).Checker(), l.Number)
			if graded.Status == grade.Done {
				ask = fmt.Sprintf("To read one anyway: %s hint %s EXERCISE (%s)", place(ws.root).Checker(), l.Number, hl.ExerciseSpan())
				fmt.Fprintf(stdout, "%s.\n%s\n", err, ask)
				return exitOK
			}
			fmt.Fprintf(stderr, "checker: %v.\n%s\n", err, ask)
			return exitError
		}
	}
	dir, err := hint.StateDir()
	seen := hint.Open(dir, ws.root) // with no cache folder, a record kept nowhere
	if err := hl.Show(stdout, exercise, level, why, seen); err != nil {
		fmt.Fprintf(stderr, "checker: %v\n", err)
		return exitUsage
	}
	if err == nil {
		err = seen.Save()
	}
	if err != nil {
		fmt.Fprintf(stderr, "checker: could not remember which hints you have seen (%v): asking again may show this one again\n", err)
	}
	return exitOK
}

// findLesson finds the published lesson a learner named, or says why
// not: nil and the exit code.
func findLesson(out output, ws workshop, arg string) (*lesson.Lesson, int) {
	lessons := ws.published()
	id, found, err := lesson.Match(ids(lessons), arg)
	if err != nil {
		fmt.Fprintf(out.stderr, "checker: %v\nRun `%s -h` for help.\n", err, place(ws.root).Checker())
		return nil, exitUsage
	}
	for _, l := range lessons {
		if found && l.ID == id {
			return l, exitOK
		}
	}
	return nil, out.errorf("lesson %s is not written yet: it is coming soon", id.Name())
}

// runWatch is `watch`: grade the lesson being worked on at every save.
func runWatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("watch", stderr)
	noColor := fs.Bool("no-color", false, "no colours (also when NO_COLOR is set or the output is not a terminal)")
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	if len(positional) > 0 {
		return tooMany(fs, "watch follows the lesson you work on and takes no lesson, got "+strings.Join(positional, " "))
	}
	out := newOutput(stdout, stderr, false, *noColor)
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v", err)
	}
	// The first look is taken before the first grade, so a save made
	// while it runs is seen.
	poller, err := watch.NewPoller(filepath.Join(ws.root, "lessons"))
	if err != nil {
		return out.errorf("%v", err)
	}
	s := &watch.Session{
		Lessons: ws.published(),
		Grade: func(ctx context.Context, lessons []*lesson.Lesson) (grading.Result, error) {
			return gradeLessons(ctx, out, ws, lessons)
		},
		Reload:  func(l *lesson.Lesson) *lesson.Lesson { return lesson.Load(ws.root, l.ID) },
		Changes: poller,
		Out:     stdout,
		Place:   place(ws.root),
		Color:   out.color,
		Screen:  isTerminal(stdout) && os.Getenv("TERM") != "dumb",
	}
	if f, ok := stdout.(*os.File); ok && isTerminal(stdout) {
		s.Width = func() int { return watch.Width(f) }
	}
	err = s.Run(ctx)
	if ctx.Err() != nil {
		fmt.Fprintln(stdout, "\nStopped watching.")
		return exitOK
	}
	if err != nil {
		return out.errorf("%v", err)
	}
	return exitOK
}
