// Package overlay writes the file that `go test -overlay` reads: a map
// from the files the go command would read to the files it reads instead.
// Verify stands a solution or a mistake in for a lesson's files with it,
// and class grading stands an instructor's tests, go.mod, go.sum and
// internal/ in for a learner's, so nothing is ever written into a copy.
//
// An entry with an empty replacement deletes its file, or a whole folder:
// the go command then acts as if it did not exist (measured on Go 1.26: a
// package whose folder is deleted so is not found). That leaves out a
// test file a learner added, or a symbolic link that points out of the
// learner's copy.
package overlay

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Overlay is the Replace map of `go test -overlay`: absolute paths of the
// files the go command would read, to the absolute paths of the files that
// stand in for them, or to "" to delete them.
//
// Both sides must be absolute: a relative key resolves against the go
// command's working directory, and when it matches nothing the original
// file runs silently in place of its replacement.
type Overlay map[string]string

// Delete is the replacement that deletes a file or a folder.
const Delete = ""

// Validate checks that every path is absolute and every file exists: a
// replacement and the file it stands in for, so that a typo fails loudly,
// and the file a deletion names (a symbolic link counts, whatever it
// points to), so that a deletion cannot miss silently either.
func (o Overlay) Validate() error { return o.validate(false) }

// ValidateAdding is Validate for an overlay that may add files: a
// replacement's key need not exist (class grading puts back an
// instructor's test file that a learner deleted).
func (o Overlay) ValidateAdding() error { return o.validate(true) }

func (o Overlay) validate(adding bool) error {
	var problems []string
	for _, k := range o.Keys() {
		v := o[k]
		paths := []string{k, v}
		switch {
		case v == Delete:
			paths = paths[:1]
		case adding:
			if !filepath.IsAbs(k) {
				problems = append(problems, fmt.Sprintf("overlay path %s is not absolute", k))
			}
			paths = paths[1:]
		}
		for _, p := range paths {
			if !filepath.IsAbs(p) {
				problems = append(problems, fmt.Sprintf("overlay path %s is not absolute", p))
				continue
			}
			stat := os.Stat
			if v == Delete {
				stat = os.Lstat
			}
			if _, err := stat(p); err != nil {
				problems = append(problems, fmt.Sprintf("overlay file %s does not exist", p))
			}
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return nil
}

// Add copies other into o.
func (o Overlay) Add(other Overlay) {
	for k, v := range other {
		o[k] = v
	}
}

// Keys returns the replaced paths, sorted.
func (o Overlay) Keys() []string {
	ks := make([]string, 0, len(o))
	for k := range o {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// Write stores the overlay as JSON in dir and returns the file's path.
func (o Overlay) Write(dir, name string) (string, error) {
	data, err := json.MarshalIndent(struct{ Replace Overlay }{o}, "", "\t")
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	return path, os.WriteFile(path, data, 0o644)
}
