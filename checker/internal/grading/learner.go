package grading

import (
	"context"
	"fmt"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// Learner grades a learner's copy of the workshop the way
// `go run ./checker` does: against the manifest the checker ships, under
// -race where it works, with the full go vet, and with the lesson files
// read afresh on every call, so that a caller may grade again each time
// the learner saves.
//
//	g, err := grading.NewLearner(ctx, root, shipped)
//	l := lesson.Load(root, id)      // afresh, after every save
//	res, err := g.Lesson(ctx, l, grading.Progress{})
//	res.Lesson.Status, res.Lesson.FirstProblem(), res.RaceChecked
type Learner struct {
	Root    string            // the module root
	Shipped manifest.Manifest // the hashes the checker ships with
	Runner  gotest.Runner
	Race    bool // -race can run here
}

// NewLearner finds the go command and asks it whether -race can work.
func NewLearner(ctx context.Context, root string, shipped manifest.Manifest) (*Learner, error) {
	goPath, err := gotest.Find()
	if err != nil {
		return nil, err
	}
	runner := gotest.Go{Path: goPath, Dir: root}
	return &Learner{Root: root, Shipped: shipped, Runner: runner, Race: runner.RaceAvailable(ctx)}, nil
}

// Progress follows a grade as it runs: OnEvent sees every event of go
// test, Note a sentence about work after it. Either may be nil.
type Progress struct {
	OnEvent func(testjson.Event)
	Note    func(string)
}

// Overview grades lessons for the summary of the whole workshop: a lesson
// whose files are exactly as shipped is graded "not started" from the
// manifest, without a build (grade.TestsNotRun); the others run together.
func (g *Learner) Overview(ctx context.Context, lessons []*lesson.Lesson, p Progress) (Result, error) {
	return g.run(ctx, lessons, true, p)
}

// Touched are the lessons whose files are not exactly as shipped: the
// ones Overview builds and runs.
func (g *Learner) Touched(lessons []*lesson.Lesson) []*lesson.Lesson {
	current, _ := manifest.Compute(g.Root)
	var out []*lesson.Lesson
	for _, l := range lessons {
		if !g.Shipped.Compare(current, l.Dir()).Untouched() {
			out = append(out, l)
		}
	}
	return out
}

// LessonResult is the grade of one lesson.
type LessonResult struct {
	Lesson grade.Lesson
	// RaceChecked is false when -race could not run.
	RaceChecked bool
}

// Lesson grades one lesson in full: its tests run even when it is exactly
// as shipped, to show the learner the failures.
func (g *Learner) Lesson(ctx context.Context, l *lesson.Lesson, p Progress) (LessonResult, error) {
	res, err := g.run(ctx, []*lesson.Lesson{l}, false, p)
	if err != nil {
		return LessonResult{}, err
	}
	return LessonResult{Lesson: res.Lessons[0], RaceChecked: res.RaceChecked}, nil
}

func (g *Learner) run(ctx context.Context, lessons []*lesson.Lesson, skipUntouched bool, p Progress) (Result, error) {
	current, err := manifest.Compute(g.Root)
	if err != nil && len(lessons) > 0 {
		return Result{}, fmt.Errorf("reading the lessons: %v", err)
	}
	return Run(ctx, lessons, Options{
		Runner:        g.Runner,
		Race:          g.Race,
		Shipped:       g.Shipped,
		Current:       current,
		SkipUntouched: skipUntouched,
		Vet:           true,
		OnEvent:       p.OnEvent,
		Note:          p.Note,
	})
}
