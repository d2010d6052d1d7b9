package class

import (
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/mod/modfile"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/overlay"
)

// Instructor is the instructor's own copy of the workshop: its tests,
// go.mod, go.sum and internal/ are the ones every copy is graded with.
type Instructor struct {
	Root    string
	Lessons []*lesson.Lesson // published lessons, in order
	// internal lists the .go files under internal/, slash paths relative
	// to Root.
	internal []string
	goMod    *modfile.File
}

// LoadInstructor reads the instructor's copy at root.
func LoadInstructor(root string, lessons []*lesson.Lesson) (*Instructor, error) {
	in := &Instructor{Root: root}
	for _, l := range lessons {
		if !l.Draft {
			in.Lessons = append(in.Lessons, l)
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return nil, err
	}
	if in.goMod, err = modfile.Parse("go.mod", data, nil); err != nil {
		return nil, err
	}
	for _, name := range []string{"go.mod", "go.sum"} {
		if fi, err := os.Stat(filepath.Join(root, name)); err != nil || !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("the instructor's copy has no %s", name)
		}
	}
	err = filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".go") {
			in.internal = append(in.internal, slashRel(root, p))
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	return in, nil
}

// inspection is what the checker learns of a copy before running anything.
type inspection struct {
	problem string   // why the copy cannot be graded; "" if it can
	notes   []string // what the grade leaves out or replaces, for the report
	overlay overlay.Overlay
	present map[string]bool // lesson names whose folder is in the copy
}

// inspect checks a copy's go.mod and finds its symbolic links, and builds
// the overlay it is graded with. It reads the copy and writes nothing.
func (in *Instructor) inspect(dir string) inspection {
	var ins inspection
	ins.problem, ins.notes = in.checkGoMod(dir)
	if ins.problem != "" {
		return ins
	}
	escapes, err := escapingLinks(dir)
	if err != nil {
		ins.problem = "cannot be read: " + err.Error()
		return ins
	}
	o := overlay.Overlay{
		filepath.Join(dir, "go.mod"): filepath.Join(in.Root, "go.mod"),
		filepath.Join(dir, "go.sum"): filepath.Join(in.Root, "go.sum"),
	}
	abs := func(root, rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	for _, f := range in.internal {
		o[abs(dir, f)] = abs(in.Root, f)
	}
	// Go files under the copy's internal/ that the instructor's lacks
	// are left out: internal/ is the instructor's, whole.
	for _, f := range goFilesUnder(dir, "internal") {
		if !slices.Contains(in.internal, f) {
			o[abs(dir, f)] = overlay.Delete
			ins.notes = append(ins.notes, fmt.Sprintf("%s is not in the instructor's internal/: left out", f))
		}
	}
	ins.present = map[string]bool{}
	for _, l := range in.Lessons {
		fi, err := os.Lstat(abs(dir, l.Dir()))
		if err != nil || !fi.IsDir() {
			continue // a symbolic link is among escapes, or not followed
		}
		ins.present[l.Name()] = true
		for _, t := range l.TestFiles {
			o[abs(dir, path.Join(l.Dir(), t))] = abs(in.Root, path.Join(l.Dir(), t))
		}
		_, tests, _ := lessonsrc.GoFiles(abs(dir, l.Dir()))
		for _, t := range tests {
			if !slices.Contains(l.TestFiles, t) {
				o[abs(dir, path.Join(l.Dir(), t))] = overlay.Delete
			}
		}
	}
	for _, e := range escapes {
		// A link the instructor's file stands in for is never read.
		if _, replaced := o[abs(dir, e.path)]; !replaced {
			o[abs(dir, e.path)] = overlay.Delete
		}
		ins.notes = append(ins.notes, fmt.Sprintf("%s is a symbolic link out of the copy (to %s): not followed, left out", e.path, e.target))
	}
	// A deletion or a replacement below a link that is left out would
	// put the folder back; the link's deletion is enough.
	for k := range o {
		for _, e := range escapes {
			if strings.HasPrefix(k, abs(dir, e.path)+string(filepath.Separator)) {
				delete(o, k)
			}
		}
	}
	ins.overlay = o
	return ins
}

// checkGoMod reads the copy's go.mod: missing, a symbolic link, broken,
// or naming another module is a problem (the copy is not graded); what it
// adds to the instructor's (a replace, a require, a vendor folder, a
// go.work) is a note, since the grade uses the instructor's.
func (in *Instructor) checkGoMod(dir string) (problem string, notes []string) {
	file := filepath.Join(dir, "go.mod")
	fi, err := os.Lstat(file)
	switch {
	case os.IsNotExist(err):
		return "no go.mod: not a copy of the workshop, or an incomplete one", nil
	case err != nil:
		return "go.mod cannot be read: " + err.Error(), nil
	case fi.Mode()&fs.ModeSymlink != 0:
		return "go.mod is a symbolic link: not followed", nil
	case !fi.Mode().IsRegular():
		return "go.mod is not a file", nil
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "go.mod cannot be read: " + err.Error(), nil
	}
	mf, err := modfile.Parse("go.mod", data, nil)
	if err != nil {
		return "broken go.mod (the learner's own go commands fail too): " + oneLine(err.Error()), nil
	}
	if mf.Module == nil {
		return "go.mod names no module", nil
	}
	if got := mf.Module.Mod.Path; got != lesson.ModulePath {
		return fmt.Sprintf("go.mod names module %s, not %s: the lessons' imports cannot resolve", got, lesson.ModulePath), nil
	}
	for _, r := range mf.Replace {
		notes = append(notes, fmt.Sprintf("go.mod replaces %s with %s: ignored, graded with the instructor's go.mod", r.Old.Path, r.New.Path))
	}
	want := map[string]string{}
	for _, r := range in.goMod.Require {
		want[r.Mod.Path] = r.Mod.Version
	}
	for _, r := range mf.Require {
		if v, ok := want[r.Mod.Path]; !ok || v != r.Mod.Version {
			notes = append(notes, fmt.Sprintf("go.mod requires %s %s: ignored, graded with the instructor's go.mod", r.Mod.Path, r.Mod.Version))
		}
	}
	for _, name := range []string{"vendor", "go.work"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			notes = append(notes, name+" is ignored (GOWORK=off, -mod=mod)")
		}
	}
	return "", notes
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// escape is a symbolic link of a copy that points out of it.
type escape struct {
	path   string // slash path relative to the copy
	target string // what the link says
}

// escapingLinks finds the symbolic links in a copy (its .git folder
// aside) that point out of it, or nowhere. A link that stays inside is
// harmless: it names the learner's own files.
func escapingLinks(dir string) ([]escape, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, err
	}
	var out []escape
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".git" && p != dir {
			return fs.SkipDir
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, _ := os.Readlink(p)
		resolved, err := filepath.EvalSymlinks(p)
		if err != nil || !within(real, resolved) {
			out = append(out, escape{path: slashRel(dir, p), target: target})
		}
		return nil
	})
	return out, err
}

func within(root, p string) bool {
	r, err := filepath.Rel(root, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
}

func slashRel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return p
	}
	return filepath.ToSlash(r)
}

// goFilesUnder lists the regular .go files under dir/sub, as slash paths
// relative to dir. Symbolic links are not followed.
func goFilesUnder(dir, sub string) []string {
	var out []string
	_ = filepath.WalkDir(filepath.Join(dir, sub), func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() && strings.HasSuffix(p, ".go") {
			out = append(out, slashRel(dir, p))
		}
		return nil
	})
	return out
}
