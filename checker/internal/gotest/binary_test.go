package gotest

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

func TestABinaryBuiltOnceRunsEachTestAlone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a test binary with the go command")
	}
	goPath, err := Find()
	if err != nil {
		t.Skip(err)
	}
	root := t.TempDir()
	for name, content := range map[string]string{
		"go.mod":      "module example.com/b\n\ngo 1.26\n",
		"p/p.go":      "package p\n",
		"p/p_test.go": "package p\n\nimport \"testing\"\n\nfunc TestPasses(t *testing.T) { t.Log(\"fine\") }\n\nfunc TestPanics(t *testing.T) { panic(\"boom\") }\n",
	} {
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	g := Go{Path: goPath, Dir: root}
	req := Request{Patterns: []string{"./p/"}, Timeout: 10 * time.Second, Count: 1}
	b, err := g.Build(context.Background(), req, "example.com/b/p", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		test   string
		status testjson.Status
		output string
	}{
		{"TestPasses", testjson.Pass, "fine"},
		{"TestPanics", testjson.Fail, "panic: boom"},
	} {
		run, err := b.Run(context.Background(), c.test)
		if err != nil {
			t.Fatal(err)
		}
		p := run.Package("example.com/b/p")
		if p == nil || p.Status != c.status || len(p.TopLevel()) != 1 || p.TopLevel()[0].Name != c.test {
			t.Fatalf("%s: got %+v, want only it, and the package's status %s", c.test, p, c.status)
		}
		if got := strings.Join(p.AllOutput(), ""); !strings.Contains(got, c.output) {
			t.Errorf("%s: got output %q, want %q in it", c.test, got, c.output)
		}
	}
	if _, err := g.Build(context.Background(), Request{Patterns: []string{"./missing/"}}, "example.com/b/missing", t.TempDir()); err == nil {
		t.Errorf("building a package that does not exist: got no error")
	}
}
