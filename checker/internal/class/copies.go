// Package class grades a room of learners' copies of the workshop with
// the instructor's own tests, for `go run ./checker class DIR`.
//
// Each copy is graded in place, read only: `go test -overlay` stands the
// instructor's test files, go.mod, go.sum and internal/ in for the
// learner's, deletes the test files a learner added and every symbolic
// link that points out of the copy, and the go command runs with
// GOWORK=off, GOTOOLCHAIN=local and -mod=mod (so a vendor folder is not
// used). An edited test then neither helps nor hurts, and a go.mod that
// replaces goleak with a fake of its own changes nothing; the manifest
// still says which test files were changed, and which are those of an
// earlier release. Copies are graded several at a time, each in its own
// go test processes with the learner's usual timeouts, with a temporary
// folder of its own and the instructor's build cache (see Options).
package class

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Found is a folder that holds, or should hold, a learner's copy.
type Found struct {
	Name string // how the report names it: its path under DIR, or as the list gives it
	Dir  string // absolute
	// Problem is set when the folder cannot be graded at all: a symbolic
	// link (never followed), or a list entry that is not a folder.
	Problem string
}

// skipDirs are folders never searched for copies.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true}

// Find lists the copies under dir: every folder that holds a go.mod or a
// lessons folder, searched no deeper once found (a copy's own folders are
// not copies). `gh classroom clone student-repos` makes
// DIR/ASSIGNMENT-submissions/REPO; a room's laptops may give DIR/NAME.
// Symbolic links are not followed: one that stands where a copy could be
// is listed with a problem, so the report shows it.
func Find(dir string) ([]Found, error) {
	root, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	var out []Found
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == root {
				return err
			}
			out = append(out, Found{Name: rel(root, path), Dir: path, Problem: "cannot be read: " + err.Error()})
			return fs.SkipDir
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if target, err := os.Stat(path); err == nil && target.IsDir() {
				to, _ := os.Readlink(path)
				out = append(out, Found{Name: rel(root, path), Dir: path, Problem: fmt.Sprintf("a symbolic link (to %s), not followed: grade the folder it points to with its own path", to)})
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if path != root && (skipDirs[d.Name()] || strings.HasPrefix(d.Name(), ".")) {
			return fs.SkipDir
		}
		if isCopy(path) {
			out = append(out, Found{Name: rel(root, path), Dir: path})
			return fs.SkipDir
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// isCopy reports whether dir looks like a copy of the workshop: a go.mod
// or a lessons folder, whatever their state (a broken go.mod is graded as
// a problem, not skipped).
func isCopy(dir string) bool {
	for _, name := range []string{"go.mod", "lessons"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

func rel(root, path string) string {
	r, err := filepath.Rel(root, path)
	if err != nil || r == "." {
		return filepath.Base(path)
	}
	return filepath.ToSlash(r)
}

// ReadList reads a list of copies, one folder a line; blank lines and
// lines that start with # are skipped; a relative folder is relative to
// the list's own folder. A listed folder that is a symbolic link, or not a
// folder at all, is kept with a problem.
func ReadList(file string) ([]Found, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	base, err := filepath.Abs(filepath.Dir(file))
	if err != nil {
		return nil, err
	}
	var out []Found
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		dir := line
		if !filepath.IsAbs(dir) {
			dir = filepath.Join(base, dir)
		}
		found := Found{Name: line, Dir: filepath.Clean(dir)}
		switch fi, err := os.Lstat(found.Dir); {
		case errors.Is(err, fs.ErrNotExist):
			found.Problem = "no such folder"
		case err != nil:
			found.Problem = "cannot be read: " + err.Error()
		case fi.Mode()&fs.ModeSymlink != 0:
			to, _ := os.Readlink(found.Dir)
			found.Problem = fmt.Sprintf("a symbolic link (to %s), not followed: list the folder it points to", to)
		case !fi.IsDir():
			found.Problem = "not a folder"
		}
		out = append(out, found)
	}
	return out, sc.Err()
}
