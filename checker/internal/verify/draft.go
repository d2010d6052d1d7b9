package verify

import (
	"context"
	"fmt"
	"path"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
)

// checkDrafts checks what a lesson in progress can already promise: that
// go test ./lessons/... never builds it (every .go file carries the draft
// tag, in lessons/ and in solutions/), that it compiles with the tag, tests
// and solution alike, and that the mistakes it has are well formed. Its
// completeness (README, exercises, slides, failing starter, passing
// solution, enough mistakes) waits until it stops being a draft.
func (v *verifier) checkDrafts(ctx context.Context) error {
	if len(v.drafts) == 0 {
		return nil
	}
	var patterns []string
	for _, l := range v.drafts {
		name := l.Name() + " (draft)"
		v.rep.check(name+": every .go file carries //go:build "+lesson.DraftTag, untaggedFiles(l))
		for _, m := range l.Mistakes {
			if _, problems := loadMistake(l, m); len(problems) > 0 {
				v.rep.check(name+": mistake "+m+" is well formed", problems)
			}
		}
		patterns = append(patterns, l.Pattern())
		if l.HasSolution {
			patterns = append(patterns, l.SolutionPattern())
		}
	}
	done := v.rep.progress("building %s with -tags %s…", plural(len(v.drafts), "draft"), lesson.DraftTag)
	r, err := v.goTest.Run(ctx, gotest.Request{Patterns: patterns, Tags: []string{lesson.DraftTag}, Run: "^$", Count: 1, Timeout: starterTimeout}, nil)
	done()
	if err != nil {
		return err
	}
	pm := newPathMapper(v.root, nil)
	for _, l := range v.drafts {
		var p []string
		for _, c := range []struct {
			dir, importPath string
			exists          bool
		}{{l.Dir(), l.ImportPath(), true}, {l.SolutionDir(), l.SolutionImportPath(), l.HasSolution}} {
			dir, pkg := c.dir, r.Package(c.importPath)
			switch {
			case !c.exists:
			case pkg == nil:
				p = append(p, "go test gave no result for "+dir)
				p = append(p, excerpt(r.Stray, pm, maxExcerpt)...)
			case pkg.BuildFailed:
				p = append(p, dir+" does not compile or vet:")
				p = append(p, buildExcerpt(pkg.BuildOutput, pm)...)
			}
		}
		v.rep.check(fmt.Sprintf("%s (draft): compiles with -tags %s, its tests and its solution", l.Name(), lesson.DraftTag), p)
	}
	return nil
}

// untaggedFiles lists the draft's .go files that build without the tag:
// go test ./lessons/... would build them, half-done.
func untaggedFiles(l *lesson.Lesson) []string {
	var p []string
	for _, dir := range []string{l.Dir(), l.SolutionDir()} {
		nonTest, test, err := lessonsrc.GoFiles(l.Abs(dir))
		if err != nil {
			continue
		}
		for _, f := range append(nonTest, test...) {
			if !lesson.DraftOnly(l.Abs(dir, f)) {
				p = append(p, fmt.Sprintf("%s has no //go:build %s line before its package clause, so every build sees it", path.Join(dir, f), lesson.DraftTag))
			}
		}
	}
	return p
}
