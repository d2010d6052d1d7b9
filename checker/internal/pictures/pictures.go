// Package pictures keeps the pictures on the slides what the tests draw.
//
// A lesson test that draws a timeline (or a table of figures) hands it to
// timeline.Keep, which writes it to $WAITING_TIMELINES/NAME.txt when that
// variable is set. The decks include the files from
// slides/timelines/NN-slug/starter/ (the lesson's tests run on its starter,
// the picture a learner sees fail) and slides/timelines/NN-slug/solution/
// (the same tests run on its solution). Generate runs the tests to write
// them; Compare says where the committed files differ from what the tests
// write now. How the tests run (the go test runner, the solution's overlay)
// is the caller's: this package only knows the folders.
package pictures

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// Variants are the two sides every picture is drawn on.
var Variants = []string{"starter", "solution"}

// Folder is where the pictures live, relative to the module root.
const Folder = "slides/timelines"

// KeepCall is what a test file says when it draws a picture.
const KeepCall = "timeline.Keep("

// Runner runs one lesson's tests ("NN-slug") on its starter or its
// solution (variant), with WAITING_TIMELINES set to dir. Failing tests are
// expected on the starter: the error is for a run that could not happen.
type Runner func(ctx context.Context, lesson, variant, dir string) error

// Draws reports whether a lesson's tests draw pictures for the slides: a
// _test.go file in lessonDir calls timeline.Keep.
func Draws(lessonDir string) (bool, error) {
	entries, err := os.ReadDir(lessonDir)
	if err != nil {
		return false, err
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(lessonDir, e.Name()))
		if err != nil {
			return false, err
		}
		if bytes.Contains(data, []byte(KeepCall)) {
			return true, nil
		}
	}
	return false, nil
}

// Generate runs each lesson's tests on both variants and leaves the
// pictures in out/NN-slug/VARIANT/ (an empty folder when a run draws none).
func Generate(ctx context.Context, run Runner, lessons []string, out string) error {
	for _, l := range lessons {
		for _, v := range Variants {
			dir := filepath.Join(out, l, v)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			if err := run(ctx, l, v, dir); err != nil {
				return fmt.Errorf("%s, %s: %w", l, v, err)
			}
		}
	}
	return nil
}

// Replace makes committed/NN-slug/VARIANT hold exactly the files of
// fresh/NN-slug/VARIANT, for each lesson: pictures no test draws any more
// are deleted, and a lesson that draws none has no folder.
func Replace(fresh, committed string, lessons []string) error {
	for _, l := range lessons {
		if err := os.RemoveAll(filepath.Join(committed, l)); err != nil {
			return err
		}
		for _, v := range Variants {
			files, err := list(filepath.Join(fresh, l, v))
			if err != nil {
				return err
			}
			for _, f := range files {
				data, err := os.ReadFile(filepath.Join(fresh, l, v, f))
				if err != nil {
					return err
				}
				dst := filepath.Join(committed, l, v, f)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(dst, data, 0o644); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Compare lists where committed/NN-slug/VARIANT differs from what the
// tests wrote now into fresh/NN-slug/VARIANT: a picture missing, one no
// test draws, or one whose text changed (with its first differing line).
// show names the committed folder in messages ("slides/timelines").
func Compare(fresh, committed, show, lesson string) ([]string, error) {
	var p []string
	for _, v := range Variants {
		now, err := list(filepath.Join(fresh, lesson, v))
		if err != nil {
			return nil, err
		}
		had, err := list(filepath.Join(committed, lesson, v))
		if err != nil {
			return nil, err
		}
		at := func(f string) string { return filepath.ToSlash(filepath.Join(show, lesson, v, f)) }
		for _, f := range union(now, had) {
			switch {
			case !slices.Contains(had, f):
				p = append(p, fmt.Sprintf("%s is missing: the tests draw it", at(f)))
			case !slices.Contains(now, f):
				p = append(p, fmt.Sprintf("%s: no test draws it any more", at(f)))
			default:
				a, err := os.ReadFile(filepath.Join(committed, lesson, v, f))
				if err != nil {
					return nil, err
				}
				b, err := os.ReadFile(filepath.Join(fresh, lesson, v, f))
				if err != nil {
					return nil, err
				}
				if !bytes.Equal(a, b) {
					p = append(p, fmt.Sprintf("%s is not what the tests draw now: %s", at(f), firstDiff(string(a), string(b))))
				}
			}
		}
	}
	return p, nil
}

// list returns the .txt file names in dir, sorted; none when dir does not
// exist.
func list(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".txt") {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

func union(a, b []string) []string {
	set := map[string]bool{}
	for _, s := range append(append([]string{}, a...), b...) {
		set[s] = true
	}
	out := make([]string, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// firstDiff describes the first line where the committed text (a) and
// the fresh one (b) differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(al), len(bl)); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y {
			return fmt.Sprintf("line %d is %q, the tests draw %q", i+1, x, y)
		}
	}
	return "they differ"
}
