// Package watch is `go run ./checker watch`: it grades the lesson the
// learner is working on, then grades it again each time a Go file under
// lessons/ is saved, and shows a short view of it: the first exercise with
// a test that does not pass in full, the others in a line each. When the
// lesson turns done it says so, prints the lesson's three questions from
// its README, and moves on to the next lesson that is not done.
//
// Saves are found by polling (see Poller), and the lessons are only read:
// watch never writes into lessons/.
package watch

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/grading"
	"github.com/wherewaiting/workshop/checker/internal/hint"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/mdtext"
	"github.com/wherewaiting/workshop/checker/internal/report"
)

// Changes tells of saves: a Poller, or a fake in tests.
type Changes interface {
	// Wait returns the files (slash paths relative to lessons/) saved
	// since it last returned.
	Wait(ctx context.Context) ([]string, error)
}

// Session is one run of watch.
type Session struct {
	// Lessons are the lessons a learner sees, in order.
	Lessons []*lesson.Lesson
	// Grade grades lessons the way `go run ./checker` does.
	Grade func(ctx context.Context, lessons []*lesson.Lesson) (grading.Result, error)
	// Reload reads a lesson again before it is graded (its tests or
	// README may have changed); nil keeps the lesson as it is.
	Reload  func(*lesson.Lesson) *lesson.Lesson
	Changes Changes
	Out     io.Writer
	// Place is where the checker runs: the commands shown work there.
	Place report.Place
	// Color paints the view; Screen clears the terminal before each view
	// (both only on a terminal).
	Color, Screen bool
	// Now is the clock of the footer's "graded at"; nil is time.Now.
	Now func() time.Time
	// Width is the terminal's width in columns, asked before each view:
	// longer lines are wrapped at spaces (see Wrap). Nil, or 0, leaves
	// them as they are.
	Width func() int

	done        map[string]bool // what the last grade of each lesson said
	asked       map[string]bool // lessons whose three questions were shown
	raceChecked bool
}

// Pending is what Changes may also tell: whether a file changed since
// Wait last returned, without waiting. A grade that such a save overtook
// is not shown: the lesson is graded again.
type Pending interface {
	Pending() bool
}

// overtaken reports whether a file was saved while a grade ran, so that
// the grade may be of the file as it was.
func (s *Session) overtaken() bool {
	p, ok := s.Changes.(Pending)
	return ok && p.Pending()
}

// regrading is what shows instead of a verdict a save overtook.
func (s *Session) regrading(l *lesson.Lesson) string {
	return fmt.Sprintf("%s\nA file was saved again while %s was being graded: grading it again, so as not to show you the file as it was…\n",
		s.paint(ansi.Bold, l.Number+" · "+l.Readme.Title), l.Name())
}

// Run watches until ctx ends (Ctrl-C), which is not an error, or every
// lesson is done.
func (s *Session) Run(ctx context.Context) error {
	s.done = map[string]bool{}
	s.asked = map[string]bool{}
	if len(s.Lessons) == 0 {
		s.show("No lesson is written yet: come back soon.\n")
		return nil
	}
	res, err := s.Grade(ctx, s.Lessons)
	if err != nil {
		return quiet(ctx, err)
	}
	s.raceChecked = res.RaceChecked
	var first *lesson.Lesson
	var r grade.Lesson
	for i, g := range res.Lessons {
		s.done[s.Lessons[i].Name()] = g.Status == grade.Done
		if first == nil && g.Status != grade.Done {
			first, r = s.Lessons[i], g
		}
	}
	if first == nil {
		s.show(allDone(len(s.Lessons)))
		return nil
	}
	cur := first
	if s.overtaken() {
		s.show(s.regrading(cur))
	} else {
		s.show(s.view(cur, r, nil))
	}
	for {
		changed, err := s.Changes.Wait(ctx)
		if err != nil {
			return quiet(ctx, err)
		}
		if cur, err = s.saved(ctx, s.target(changed, cur), changed); err != nil || cur == nil {
			return quiet(ctx, err)
		}
	}
}

// quiet turns the end of the context (Ctrl-C) into a clean stop.
func quiet(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}

// target is the lesson a save is about: the current one when any saved
// file is in it (or in no lesson), else the first lesson saved in.
func (s *Session) target(changed []string, cur *lesson.Lesson) *lesson.Lesson {
	var first *lesson.Lesson
	for _, f := range changed {
		folder, _, _ := strings.Cut(f, "/")
		l := s.byName(folder)
		if l == nil || l == cur {
			return cur
		}
		if first == nil || l.Number < first.Number {
			first = l
		}
	}
	if first == nil {
		return cur
	}
	return first
}

func (s *Session) byName(name string) *lesson.Lesson {
	for _, l := range s.Lessons {
		if l.Name() == name {
			return l
		}
	}
	return nil
}

// saved grades l after a save and shows it; when it is done, it moves on
// to the next lesson that is not. It returns the lesson now watched, nil
// when every lesson is done.
func (s *Session) saved(ctx context.Context, l *lesson.Lesson, changed []string) (*lesson.Lesson, error) {
	wasDone := s.done[l.Name()]
	r, err := s.grade(ctx, l)
	if err != nil {
		return nil, err
	}
	if s.overtaken() {
		// The next Wait returns the newer save at once: grade again
		// rather than show this verdict as the file's.
		s.show(s.regrading(l))
		return l, nil
	}
	if r.Status != grade.Done {
		s.show(s.view(l, r, changed))
		return l, nil
	}
	var b strings.Builder
	switch {
	case wasDone:
		fmt.Fprintf(&b, "%s %s is done already.\n\n", s.paint(ansi.Green, "✓"), s.title(r))
	case s.asked[l.Name()]:
		fmt.Fprintf(&b, "%s %s is done again (its three questions are above, or in its README).\n\n", s.paint(ansi.Green, "✓"), s.title(r))
	default:
		s.finished(&b, l, r)
	}
	for next := s.after(l); next != nil; next = s.after(next) {
		rn, err := s.grade(ctx, next)
		if err != nil {
			return nil, err
		}
		if rn.Status != grade.Done {
			fmt.Fprintf(&b, "%s\n\n", s.paint(ansi.Bold, "On to the next lesson:"))
			s.show(b.String() + s.view(next, rn, nil))
			return next, nil
		}
	}
	s.show(b.String() + allDone(len(s.Lessons)))
	return nil, nil
}

// grade grades one lesson and remembers whether it is done.
func (s *Session) grade(ctx context.Context, l *lesson.Lesson) (grade.Lesson, error) {
	if s.Reload != nil {
		*l = *s.Reload(l)
	}
	res, err := s.Grade(ctx, []*lesson.Lesson{l})
	if err != nil {
		return grade.Lesson{}, err
	}
	if len(res.Lessons) != 1 {
		return grade.Lesson{}, fmt.Errorf("grading %s gave %d results", l.Name(), len(res.Lessons))
	}
	s.raceChecked = res.RaceChecked
	s.done[l.Name()] = res.Lessons[0].Status == grade.Done
	return res.Lessons[0], nil
}

// after is the next lesson, in order and then from the start, that was
// not done when last graded; nil when there is none.
func (s *Session) after(l *lesson.Lesson) *lesson.Lesson {
	at := 0
	for i, x := range s.Lessons {
		if x == l {
			at = i
		}
	}
	for k := 1; k < len(s.Lessons); k++ {
		x := s.Lessons[(at+k)%len(s.Lessons)]
		if !s.done[x.Name()] {
			return x
		}
	}
	return nil
}

// finished says that l is done and asks its three questions.
func (s *Session) finished(w io.Writer, l *lesson.Lesson, r grade.Lesson) {
	fmt.Fprintf(w, "%s %s is done: every test passes, nothing leaks, no race.\n\n", s.paint(ansi.Green, "✓"), s.title(r))
	s.asked[l.Name()] = true // once a run is enough
	readme := path.Join(l.Dir(), "README.md")
	data, err := os.ReadFile(l.Abs(readme))
	if err != nil {
		return
	}
	q, ok := mdtext.Find(data, QuestionsHeading)
	if !ok || q.Text == "" {
		return
	}
	fmt.Fprintf(w, "%s\n\n", s.paint(ansi.Bold, "Before you move on, the three questions:"))
	for _, line := range strings.Split(q.Text, "\n") {
		if line != "" {
			line = "  " + line
		}
		fmt.Fprintln(w, line)
	}
	if len(q.Folds) > 0 {
		fmt.Fprintf(w, "\n  (Short answers, folded, in %s.)\n", s.Place.Path(readme))
	}
	fmt.Fprintln(w)
}

// QuestionsHeading is the title of the README section that asks them.
const QuestionsHeading = "The three questions"

// view is one lesson in short, and a footer: what was saved, when it was
// graded, how to get a hint.
func (s *Session) view(l *lesson.Lesson, r grade.Lesson, changed []string) string {
	var b strings.Builder
	var todo *lessonsrc.TODO
	if len(l.TODOs) > 0 {
		todo = &l.TODOs[0]
	}
	report.Focus(&b, report.One(r, todo), report.Options{Color: s.Color, RaceChecked: s.raceChecked, Place: s.Place})
	b.WriteString("\n")
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	when := "graded at " + now().Format("15:04:05")
	if len(changed) > 0 {
		when = "saved " + strings.Join(short(changed, 3), ", ") + ", " + when
	}
	fmt.Fprintf(&b, "%s\n", s.paint(ansi.Dim, sentenceCase(when)+"; watching lessons/ for saves (Ctrl-C stops)."))
	if t := r.FirstProblem(); t != nil && t.Exercise > 0 && r.Build == nil {
		fmt.Fprintf(&b, "Stuck on exercise %d? %s\n", t.Exercise, s.paint(ansi.Cyan, hint.Command(s.Place, l.Number, t.Exercise)))
	}
	return b.String()
}

// show replaces the screen with a view (or, when the output is not a
// terminal, writes it after a rule).
func (s *Session) show(view string) {
	if s.Width != nil {
		view = Wrap(view, s.Width())
	}
	if s.Screen {
		io.WriteString(s.Out, ansi.ClearScreen+view)
		return
	}
	io.WriteString(s.Out, "\n"+strings.Repeat("─", 60)+"\n"+view)
}

// title is "03 · Fan-out", in bold.
func (s *Session) title(r grade.Lesson) string {
	e := report.One(r, nil)
	return s.paint(ansi.Bold, e.Number+" · "+e.Title)
}

func (s *Session) paint(code, text string) string { return ansi.Paint(s.Color, code, text) }

func allDone(n int) string {
	return fmt.Sprintf("Every lesson is done (%d of %d). Well done!\n", n, n)
}

// short lists at most n names, and how many more.
func short(names []string, n int) []string {
	if len(names) <= n {
		return names
	}
	return append(names[:n:n], fmt.Sprintf("%d more", len(names)-n))
}

func sentenceCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
