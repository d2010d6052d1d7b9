package verify

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/pictures"
)

// keepEnv is timeline.KeepEnv (internal/timeline imports testing, so the
// checker does not import it; a test checks that the two agree).
const keepEnv = "WAITING_TIMELINES"

// pictureTimeout bounds one run that draws pictures, as a starter's run.
const pictureTimeout = starterTimeout

// pictures checks that slides/timelines/NN-slug/ holds what each lesson's
// tests draw now, on the starter and on the solution: it draws them again
// into a temporary folder and compares.
func (v *verifier) pictures(ctx context.Context) error {
	ls := drawing(v.lessons)
	if len(ls) == 0 {
		v.rep.note("no lesson draws pictures for its slides (timeline.Keep)")
		return nil
	}
	done := v.rep.progress("drawing the slides' pictures of %s again (go test -race on starter and solution, %s set)…", plural(len(ls), "lesson"), keepEnv)
	fresh, err := drawPictures(ctx, v.goTest, v.tmp, ls)
	done()
	if err != nil {
		return err
	}
	for _, l := range ls {
		p, err := comparePictures(fresh, l)
		if err != nil {
			p = []string{err.Error()}
		}
		if len(p) > 0 {
			p = append(p, "run `go run ./checker slides` to draw them again, look at them, and commit them;",
				"if it draws a picture differently from run to run, the test's picture is not deterministic: give the events it shows distinct virtual instants")
		}
		v.rep.knownCheck(l.Name(), checkTimelines, fmt.Sprintf("%s: %s/%s/ holds what the tests draw now", l.Name(), pictures.Folder, l.Name()), p)
	}
	return nil
}

// Pictures draws the slides' pictures of every lesson again, drafts
// included, into slides/timelines/NN-slug/starter/ and .../solution/, and
// deletes the ones no test draws any more: the command
// `go run ./checker slides`. It says on out which pictures changed.
func Pictures(ctx context.Context, root string, out io.Writer) error {
	all, err := lesson.LoadAll(root)
	if err != nil {
		return err
	}
	ls := drawing(all)
	if len(ls) == 0 {
		fmt.Fprintln(out, "no lesson draws pictures for its slides (a test calls timeline.Keep to draw one)")
		return nil
	}
	goPath, err := gotest.Find()
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "pictures-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(out, "drawing the pictures of %s (go test -race on the starter, and on the solution with -overlay)…\n", strings.Join(names(ls), ", "))
	fresh, err := drawPictures(ctx, gotest.Go{Path: goPath, Dir: root, Lenient: true}, tmp, ls)
	if err != nil {
		return err
	}
	var changed []string
	for _, l := range ls {
		p, err := comparePictures(fresh, l)
		if err != nil {
			return err
		}
		changed = append(changed, p...)
	}
	if err := pictures.Replace(fresh, filepath.Join(root, filepath.FromSlash(pictures.Folder)), names(ls)); err != nil {
		return err
	}
	for _, c := range changed {
		fmt.Fprintln(out, "  "+c)
	}
	fmt.Fprintf(out, "%s/ is current: %s changed; look at them, and commit them\n", pictures.Folder, plural(len(changed), "picture"))
	return nil
}

// drawing lists the lessons whose tests draw pictures, or that have
// pictures committed (which then must go).
func drawing(lessons []*lesson.Lesson) []*lesson.Lesson {
	var out []*lesson.Lesson
	for _, l := range lessons {
		draws, _ := pictures.Draws(l.Abs(l.Dir()))
		if _, err := os.Stat(l.Abs(pictures.Folder, l.Name())); draws || err == nil {
			out = append(out, l)
		}
	}
	return out
}

// drawPictures runs the tests of lessons on their starters and on their
// solutions (through the overlay verify and try use), with -race like
// them, so the builds are shared, and WAITING_TIMELINES set; it returns
// the folder under tmp that holds NN-slug/{starter,solution}/.
func drawPictures(ctx context.Context, run gotest.Runner, tmp string, lessons []*lesson.Lesson) (string, error) {
	byName := map[string]*lesson.Lesson{}
	for _, l := range lessons {
		byName[l.Name()] = l
	}
	draw := func(ctx context.Context, name, variant, dir string) error {
		l := byName[name]
		req := gotest.Request{
			Patterns: []string{l.Pattern()},
			Race:     true, Count: 1, Timeout: pictureTimeout,
			ExtraEnv: []string{keepEnv + "=" + dir},
		}
		if l.Draft {
			req.Tags = []string{lesson.DraftTag}
		}
		if variant == "solution" {
			o, err := solutionOverlay(l, nil, tmp)
			if err != nil {
				return fmt.Errorf("cannot apply the solution: %w", err)
			}
			if req.Overlay, err = o.Write(tmp, "pictures-"+name+".json"); err != nil {
				return err
			}
		}
		_, err := run.Run(ctx, req, nil)
		return err
	}
	fresh := filepath.Join(tmp, "pictures")
	return fresh, pictures.Generate(ctx, draw, names(lessons), fresh)
}

// comparePictures says where the committed pictures of l differ from the
// ones in fresh.
func comparePictures(fresh string, l *lesson.Lesson) ([]string, error) {
	return pictures.Compare(fresh, l.Abs(pictures.Folder), pictures.Folder, l.Name())
}

func names(lessons []*lesson.Lesson) []string {
	out := make([]string, len(lessons))
	for i, l := range lessons {
		out[i] = l.Name()
	}
	return out
}
