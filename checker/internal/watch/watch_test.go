package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/failure"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/grading"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

// save is one change a learner makes: edit changes what the fake grader
// will say, changed is what the poller reports.
type save struct {
	edit    func()
	changed []string
}

// saves stands for the poller: each value sent is one change, made when
// watch waits for it.
type saves chan save

func (s saves) Wait(ctx context.Context) ([]string, error) {
	select {
	case sv, ok := <-s:
		if !ok {
			return nil, errors.New("no more saves")
		}
		if sv.edit != nil {
			sv.edit()
		}
		return sv.changed, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// course is a workshop of three lessons, each with one exercise and one
// test, and a fake grader: a lesson is done when its entry in done says
// so at the time it is graded.
type course struct {
	lessons []*lesson.Lesson
	done    map[string]bool
	graded  []string // lesson names, in grading order
}

func newCourse(t *testing.T) *course {
	t.Helper()
	files := map[string]string{}
	var ids []lesson.ID
	for _, id := range []lesson.ID{{Number: "00", Slug: "warmup"}, {Number: "01", Slug: "chain"}, {Number: "02", Slug: "deadlines"}} {
		ids = append(ids, id)
		files[id.Dir()+"/README.md"] = fmt.Sprintf("# %s · Lesson %s\n\n## Exercises\n\n1. Do it. `TestIt`\n\n"+
			"## The three questions\n\n**Where do requests wait?** In %s.\n\n<details><summary>A short answer</summary>\n\nThe answer.\n\n</details>\n", id.Number, id.Number, id.Slug)
	}
	root := testkit.Tree(t, files)
	c := &course{done: map[string]bool{}}
	for _, id := range ids {
		c.lessons = append(c.lessons, lesson.Load(root, id))
	}
	return c
}

func (c *course) grade(_ context.Context, lessons []*lesson.Lesson) (grading.Result, error) {
	res := grading.Result{RaceChecked: true}
	for _, l := range lessons {
		c.graded = append(c.graded, l.Name())
		r := grade.Lesson{Lesson: l.ID, Title: l.Readme.Title, Status: grade.Done, Passed: 1, Total: 1, Diff: manifest.Diff{Known: true},
			Tests: []grade.Test{{Name: "TestIt", Status: grade.Pass, Exercise: 1}}}
		if !c.done[l.Name()] {
			r.Status, r.Passed = grade.Failing, 0
			r.Tests[0].Status = grade.Fail
			r.Tests[0].Report = failure.Report{Kind: failure.Assertion, Headline: "the caller waited 2s; it should wait 1s"}
		}
		res.Lessons = append(res.Lessons, r)
	}
	return res, nil
}

// session runs watch on the course until the saves run out or every
// lesson is done, and returns what it wrote.
func (c *course) session(t *testing.T, s saves) (string, error) {
	t.Helper()
	var out bytes.Buffer
	ss := &Session{
		Lessons: c.lessons,
		Grade:   c.grade,
		Changes: s,
		Out:     &out,
		Now:     func() time.Time { return time.Date(2026, 5, 1, 10, 42, 13, 0, time.Local) },
	}
	err := ss.Run(context.Background())
	return out.String(), err
}

func TestWatchGradesTheFirstLessonNotDoneAndAgainAtEachSave(t *testing.T) {
	c := newCourse(t)
	c.done["00-warmup"] = true
	s := make(saves, 1)
	s <- save{changed: []string{"01-chain/chain.go"}}
	close(s)
	out, err := c.session(t, s)
	if err == nil || err.Error() != "no more saves" {
		t.Errorf("Run = %v, want it to stop when the saves run out", err)
	}
	if got := strings.Join(c.graded, " "); got != "00-warmup 01-chain 02-deadlines 01-chain" {
		t.Errorf("graded %s; want every lesson once, then 01-chain at its save", got)
	}
	views := strings.Split(out, strings.Repeat("─", 60)+"\n")[1:]
	if len(views) != 2 {
		t.Fatalf("wrote %d views, want 2 (at the start and at the save):\n%s", len(views), out)
	}
	want := "01 · Lesson 01  failing (0 of 1 tests pass)\n" +
		"\n" +
		"  ▶  exercise 1: 1 of 1 tests do not pass\n" +
		"  FAIL     TestIt\n" +
		"           the caller waited 2s; it should wait 1s\n" +
		"\n" +
		"Saved 01-chain/chain.go, graded at 10:42:13; watching lessons/ for saves (Ctrl-C stops).\n" +
		"Stuck on exercise 1? go run ./checker hint 01 1\n"
	if views[1] != want {
		t.Errorf("the view after the save:\n%s\nwant:\n%s", views[1], want)
	}
	testkit.Contains(t, views[0], "Graded at 10:42:13; watching")
}

func TestALessonThatTurnsDoneAsksItsQuestionsAndWatchMovesOn(t *testing.T) {
	c := newCourse(t)
	s := make(saves, 2)
	s <- save{func() { c.done["00-warmup"] = true }, []string{"00-warmup/warmup.go"}}
	s <- save{func() { c.done["01-chain"], c.done["02-deadlines"] = true, true }, []string{"01-chain/chain.go"}}
	out, err := c.session(t, s)
	if err != nil {
		t.Errorf("Run = %v, want nil once every lesson is done", err)
	}
	testkit.Contains(t, out,
		"✓ 00 · Lesson 00 is done: every test passes, nothing leaks, no race.\n\n"+
			"Before you move on, the three questions:\n\n"+
			"  Where do requests wait? In warmup.\n\n"+
			"  (Short answers, folded, in lessons/00-warmup/README.md.)\n\n"+
			"On to the next lesson:\n\n"+
			"01 · Lesson 01  failing (0 of 1 tests pass)\n",
		"✓ 01 · Lesson 01 is done",
		"Every lesson is done (3 of 3). Well done!\n",
	)
	if strings.Contains(out, "The answer.") {
		t.Errorf("watch printed a folded answer:\n%s", out)
	}
	// 02 was graded when 01 was done, found done too: no questions of its own.
	if got := strings.Join(c.graded, " "); got != "00-warmup 01-chain 02-deadlines 00-warmup 01-chain 01-chain 02-deadlines" {
		t.Errorf("graded %s", got)
	}
}

func TestASaveInAnotherLessonMovesTheWatchThere(t *testing.T) {
	c := newCourse(t)
	s := make(saves, 2)
	s <- save{changed: []string{"02-deadlines/deadlines.go"}}
	s <- save{changed: []string{"README.md.go", "01-chain/x.go"}} // one file in no lesson: stay
	close(s)
	c.session(t, s)
	if got := strings.Join(c.graded, " "); got != "00-warmup 01-chain 02-deadlines 02-deadlines 02-deadlines" {
		t.Errorf("graded %s; want 02-deadlines graded at both saves", got)
	}
}

func TestCtrlCStopsWatchWithoutAnError(t *testing.T) {
	c := newCourse(t)
	ctx, cancel := context.WithCancel(context.Background())
	s := &Session{Lessons: c.lessons, Grade: c.grade, Changes: make(saves), Out: &bytes.Buffer{}}
	done := make(chan error)
	go func() { done <- s.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run after Ctrl-C = %v, want nil", err)
	}
}

func TestWithNoLessonWatchSaysSoAndStops(t *testing.T) {
	var out bytes.Buffer
	s := &Session{Grade: newCourse(t).grade, Changes: make(saves), Out: &out}
	if err := s.Run(context.Background()); err != nil || !strings.Contains(out.String(), "No lesson is written yet") {
		t.Errorf("Run = %v, wrote %q; want it to say there is no lesson and stop", err, out.String())
	}
}

func TestWhenEveryLessonIsDoneWatchSaysSoAndStops(t *testing.T) {
	c := newCourse(t)
	for _, l := range c.lessons {
		c.done[l.Name()] = true
	}
	out, err := c.session(t, make(saves))
	if err != nil || !strings.Contains(out, "Every lesson is done (3 of 3). Well done!") {
		t.Errorf("Run = %v, wrote %q; want it to say every lesson is done and stop", err, out)
	}
}

func TestALessonDoneAgainDoesNotAskItsQuestionsAgain(t *testing.T) {
	c := newCourse(t)
	s := make(saves, 3)
	s <- save{func() { c.done["00-warmup"] = true }, []string{"00-warmup/warmup.go"}}
	s <- save{func() { c.done["00-warmup"] = false }, []string{"00-warmup/warmup.go"}}
	s <- save{func() { c.done["00-warmup"] = true }, []string{"00-warmup/warmup.go"}}
	close(s)
	out, _ := c.session(t, s)
	if n := strings.Count(out, "the three questions:"); n != 1 {
		t.Errorf("the questions were asked %d times, want once a run:\n%s", n, out)
	}
	testkit.Contains(t, out, "✓ 00 · Lesson 00 is done again")
}

// overtaking is a poller whose every save is overtaken once by another,
// made while the grade runs.
type overtaking struct {
	saves
	pending []bool // what Pending answers, in turn
}

func (o *overtaking) Pending() bool {
	if len(o.pending) == 0 {
		return false
	}
	p := o.pending[0]
	o.pending = o.pending[1:]
	return p
}

func TestAGradeASaveOvertookIsNotShownAndTheLessonIsGradedAgain(t *testing.T) {
	c := newCourse(t)
	s := make(saves, 2)
	// The grade after the first save ran while the learner saved again.
	s <- save{changed: []string{"00-warmup/warmup.go"}}
	s <- save{func() { c.done["00-warmup"] = true }, []string{"00-warmup/warmup.go"}}
	close(s)
	var out bytes.Buffer
	ss := &Session{Lessons: c.lessons, Grade: c.grade, Changes: &overtaking{saves: s, pending: []bool{false, true, false}}, Out: &out}
	ss.Run(context.Background())
	views := strings.Split(out.String(), strings.Repeat("─", 60)+"\n")[1:]
	if len(views) != 3 {
		t.Fatalf("wrote %d views, want 3 (the start, grading again, the new grade):\n%s", len(views), &out)
	}
	if !strings.Contains(views[1], "A file was saved again while 00-warmup was being graded: grading it again") || strings.Contains(views[1], "failing") {
		t.Errorf("the view after an overtaken grade:\n%s\nwant it to say it grades again, and no verdict", views[1])
	}
	testkit.Contains(t, views[2], "✓ 00 · Lesson 00 is done")
}

func TestLongLinesAreWrappedAtSpacesToTheTerminalsWidth(t *testing.T) {
	view := "  FAIL     TestIt\n           the caller waited 2s; it should \033[1mwait\033[0m 1s: start the calls together\nshort\n"
	got := Wrap(view, 40)
	want := "  FAIL     TestIt\n           the caller waited 2s; it\n             should \033[1mwait\033[0m 1s: start the\n             calls together\nshort\n"
	if got != want {
		t.Errorf("Wrap =\n%q\nwant\n%q", got, want)
	}
	for _, l := range strings.Split(got, "\n") {
		if visible(l) > 40 {
			t.Errorf("line %q is %d columns wide, want at most 40", l, visible(l))
		}
	}
	if got := Wrap(view, 0); got != view {
		t.Errorf("with no width known, Wrap changed the view: %q", got)
	}
}
