// Package testkit helps the checker's tests: it writes and copies small
// file trees (a lesson, a workshop, a copy of a fixture to break) and
// checks that a text says what it must. For tests only.
package testkit

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// SyncBuffer is a bytes.Buffer that one goroutine may write while another
// reads it: what a progress line or watch writes, read by the test.
type SyncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// Contains reports, as a test error, each of wants that got lacks.
func Contains(t testing.TB, got string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(got, w) {
			t.Errorf("got\n%s\nwant it to contain %q", got, w)
		}
	}
}

// Write writes files (slash paths relative to root, to contents) under
// root, making the folders they need.
func Write(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Tree writes files into a new temporary folder and returns it.
func Tree(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	Write(t, root, files)
	return root
}

// Copy copies the folder src into a new temporary folder and returns it.
func Copy(t testing.TB, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

// WorkshopCopy writes a learner's fresh copy of the workshop at root into
// dst: go.mod, go.sum, internal/ and lessons/ (what grading reads).
func WorkshopCopy(t testing.TB, root, dst string) {
	t.Helper()
	for _, name := range []string{"go.mod", "go.sum", "internal", "lessons"} {
		src := filepath.Join(root, name)
		err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			target := filepath.Join(dst, name, strings.TrimPrefix(p, src))
			if d.IsDir() {
				return os.MkdirAll(target, 0o755)
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				return err
			}
			return os.WriteFile(target, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// Solve puts the solution of lesson name ("00-warmup") into a copy.
func Solve(t testing.TB, root, dst, name string) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "solutions", name, "*.go"))
	if len(files) == 0 {
		t.Fatalf("no solution files for %s", name)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		Write(t, dst, map[string]string{"lessons/" + name + "/" + filepath.Base(f): string(data)})
	}
}
