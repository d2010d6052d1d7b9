// Package repo finds the workshop's module root and the lessons in it,
// so the checker works from any folder of the repository.
package repo

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
)

// ModulePath is the module path the checker expects to find in go.mod.
const ModulePath = "github.com/wherewaiting/workshop"

// Root walks up from dir to the folder that holds the workshop's go.mod.
func Root(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, "go.mod"))
		if err == nil && modulePathRE.Match(data) {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside the workshop: no go.mod for module %s above it; cd into your copy of the workshop and run the checker again", dir, ModulePath)
		}
	}
}

var modulePathRE = regexp.MustCompile(`(?m)^module\s+` + regexp.QuoteMeta(ModulePath) + `\s*$`)

// Lesson is one lesson folder, lessons/NN-slug.
type Lesson struct {
	Number string // "03"
	Slug   string // "fan-out"
}

// Dir is the lesson's folder relative to the module root.
func (l Lesson) Dir() string { return filepath.Join("lessons", l.Name()) }

// SolutionDir is the folder of the lesson's solution relative to the module root.
func (l Lesson) SolutionDir() string { return filepath.Join("solutions", l.Name()) }

// Name is "NN-slug".
func (l Lesson) Name() string { return l.Number + "-" + l.Slug }

// ImportPath is the lesson package's import path.
func (l Lesson) ImportPath() string { return ModulePath + "/lessons/" + l.Name() }

var lessonDirRE = regexp.MustCompile(`^(\d\d)-([a-z0-9]+(?:-[a-z0-9]+)*)$`)

// Lessons lists the lesson folders under root/lessons, in order.
func Lessons(root string) ([]Lesson, error) {
	entries, err := os.ReadDir(filepath.Join(root, "lessons"))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no lessons folder in %s", root)
	}
	if err != nil {
		return nil, err
	}
	var out []Lesson
	for _, e := range entries {
		m := lessonDirRE.FindStringSubmatch(e.Name())
		if !e.IsDir() || m == nil {
			continue
		}
		out = append(out, Lesson{Number: m[1], Slug: m[2]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}
