package verify

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	ovl "github.com/wherewaiting/workshop/checker/internal/overlay"
	"github.com/wherewaiting/workshop/checker/internal/splice"
)

// overlay is the Replace map of `go test -overlay` (package overlay):
// absolute lesson file paths to the absolute paths of the files that stand
// in for them.
type overlay = ovl.Overlay

// solutionOverlay replaces each non-test file of the lesson with the
// solution's file of the same name. When m is not nil, a lesson file the
// mistake has a file for gets the solution with the mistake's declarations
// spliced in (package splice), written under tmp at the mistake's own
// relative path, so output that names it reads as the mistake's file.
// Every key and value is checked to exist, so a typo fails loudly.
func solutionOverlay(l *lesson.Lesson, m *mistake, tmp string) (overlay, error) {
	if len(l.StarterFiles) == 0 {
		return nil, fmt.Errorf("%s has no non-test .go file to replace", l.Dir())
	}
	o := overlay{}
	for _, f := range l.StarterFiles {
		o[l.Abs(l.Dir(), f)] = l.Abs(l.SolutionDir(), f)
	}
	if m != nil {
		for _, f := range m.Files {
			key := l.Abs(l.Dir(), f)
			if _, ok := o[key]; !ok {
				return nil, fmt.Errorf("mistake file %s/%s has no lesson file of the same name in %s", m.relDir(), f, l.Dir())
			}
			spliced, err := spliceMistake(o[key], filepath.Join(m.dir(), f), filepath.Join(tmp, filepath.FromSlash(m.relDir()), f))
			if err != nil {
				return nil, err
			}
			o[key] = spliced
		}
	}
	if err := o.Validate(); err != nil {
		return nil, err
	}
	return o, nil
}

// spliceMistake writes the solution file with the mistake's declarations
// spliced in to out, and returns out.
func spliceMistake(solutionPath, mistakePath, out string) (string, error) {
	sol, err := os.ReadFile(solutionPath)
	if err != nil {
		return "", err
	}
	mis, err := os.ReadFile(mistakePath)
	if err != nil {
		return "", err
	}
	src, err := splice.File(solutionPath, sol, mistakePath, mis)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return "", err
	}
	return out, os.WriteFile(out, src, 0o644)
}

// pathMapper rewrites file paths in go's output so that each names the
// file a maintainer should open, relative to the module root.
//
// Under an overlay, compile and vet errors name the replacement file
// relative to the working directory ("./solutions/01-x/x.go:4:2"), while
// stack traces name the lesson file it stood in for, with its absolute
// path and the replacement's line numbers. Both become the replacement's
// root-relative path.
type pathMapper struct {
	r *strings.Replacer
}

// newPathMapper maps the overlay's files and everything under root to
// root-relative paths. Spliced mistakes live under a temporary folder, at
// the mistake's path relative to the root: pass that folder as a base, and
// they read as the mistake's own files.
func newPathMapper(root string, o overlay, bases ...string) pathMapper {
	var pairs []string
	rel := func(p string) string {
		for _, b := range append([]string{root}, bases...) {
			if r, err := filepath.Rel(b, p); err == nil && !strings.HasPrefix(r, "..") {
				return filepath.ToSlash(r)
			}
		}
		return p
	}
	for _, k := range o.Keys() {
		pairs = append(pairs, k, rel(o[k]))
	}
	pairs = append(pairs, root+string(filepath.Separator), "")
	for _, b := range bases {
		pairs = append(pairs, b+string(filepath.Separator), "")
	}
	return pathMapper{r: strings.NewReplacer(pairs...)}
}

// line rewrites one line of output. go prints a path under its working
// directory (the root) as "./x" at the start of a compiler message.
func (pm pathMapper) line(s string) string {
	s = pm.r.Replace(s)
	if rest, ok := strings.CutPrefix(s, "."+string(filepath.Separator)); ok {
		s = rest
	}
	return s
}
