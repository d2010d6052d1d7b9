package splice

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
	"testing"
)

const solution = `// Package q is a solution.
package q

import (
	"errors"
	"fmt"
)

// ErrFull is returned when the queue is full.
var ErrFull = errors.New("full")

// Limit is the queue's size.
const Limit = 3

// Q is a queue.
type Q struct{ n int }

// Add adds one.
func (q *Q) Add() error {
	if q.n == Limit {
		return ErrFull
	}
	q.n++
	return nil
}

// Len says how many.
func (q *Q) Len() string { return fmt.Sprint(q.n) }

// Add is a function with a method's name.
func Add(a, b int) int { return a + b }
`

const mistake = `// Mistake: the limit is never checked.
// Caught by: TestFull
package q

import "fmt"

// Add adds one, whatever the limit.
func (q *Q) Add() error {
	q.n++
	return nil
}

const Limit = 4

// helper is new.
func helper() string { return fmt.Sprint("new") }
`

// positions maps each top-level declaration of src to where the //line
// directives say its keyword is, as "file:line": what the compiler reports.
func positions(t *testing.T, src []byte) map[string]string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "spliced.go", src, parser.ParseComments)
	if err != nil {
		t.Fatalf("spliced source does not parse: %v\n%s", err, src)
	}
	out := map[string]string{}
	for _, d := range f.Decls {
		var key string
		switch d := d.(type) {
		case *ast.FuncDecl:
			key = receiver(d) + d.Name.Name
		case *ast.GenDecl:
			key = d.Tok.String() + " " + strings.Join(names(d), ",")
		}
		p := fset.Position(d.Pos())
		out[key] = p.Filename + ":" + strconv.Itoa(p.Line)
	}
	return out
}

func TestFileReplacesAddsAndKeepsDeclarations(t *testing.T) {
	got, err := File("/w/sol/q.go", []byte(solution), "/w/mis/q.go", []byte(mistake))
	if err != nil {
		t.Fatal(err)
	}
	src := string(got)
	for _, want := range []string{
		"q.n++\n\treturn nil\n}",   // the mistake's Add
		"const Limit = 4",          // the mistake's Limit
		"func helper() string",     // added
		"func (q *Q) Len() string", // kept
		"func Add(a, b int) int",   // a function is not the method of the same name
		"import \"fmt\"",           // the mistake's imports
	} {
		if !strings.Contains(src, want) {
			t.Errorf("spliced source lacks %q:\n%s", want, src)
		}
	}
	for _, gone := range []string{"if q.n == Limit", "const Limit = 3", `"errors"`} {
		if strings.Contains(src, gone) {
			t.Errorf("spliced source still has %q:\n%s", gone, src)
		}
	}
	// ErrFull still needs "errors": this mistake's import block is wrong on
	// purpose, and splicing does not judge it; the compiler will.
	pos := positions(t, got)
	for key, want := range map[string]string{
		"var ErrFull": "/w/sol/q.go:10",
		"(Q).Add":     "/w/mis/q.go:8",
		"const Limit": "/w/mis/q.go:13",
		"type Q":      "/w/sol/q.go:16",
		"(Q).Len":     "/w/sol/q.go:28",
		"Add":         "/w/sol/q.go:31",
		"helper":      "/w/mis/q.go:16",
	} {
		if pos[key] != want {
			t.Errorf("%s is at %s, want %s", key, pos[key], want)
		}
	}
}

func TestFileWithoutImportsKeepsTheSolutions(t *testing.T) {
	m := "package q\n\n// Len lies.\nfunc (q *Q) Len() string { return \"0\" }\n"
	got, err := File("/w/sol/q.go", []byte(solution), "/w/mis/q.go", []byte(m))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "\t\"errors\"\n\t\"fmt\"\n") {
		t.Errorf("the solution's imports are gone:\n%s", got)
	}
	if pos := positions(t, got); pos["(Q).Len"] != "/w/mis/q.go:4" || pos["Add"] != "/w/sol/q.go:31" {
		t.Errorf("got positions %v", pos)
	}
}

func TestFileAddsImportsToASolutionWithout(t *testing.T) {
	sol := "// Package e echoes.\npackage e\n\n// Echo returns s.\nfunc Echo(s string) string { return s }\n"
	m := "package e\n\nimport \"context\"\n\n// Echo drops a cancel.\nfunc Echo(s string) string {\n\tctx, _ := context.WithCancel(context.Background())\n\t_ = ctx\n\treturn s\n}\n"
	got, err := File("/w/sol/e.go", []byte(sol), "/w/mis/e.go", []byte(m))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(got), "package e\n//line /w/mis/e.go:3\nimport \"context\"\n") {
		t.Errorf("the import block is not after the package clause:\n%s", got)
	}
	if pos := positions(t, got); pos["Echo"] != "/w/mis/e.go:6" {
		t.Errorf("got positions %v", pos)
	}
}

func TestFileRejectsWhatItCannotSplice(t *testing.T) {
	tests := []struct{ name, mistake, want string }{
		{"other package", "package p\n", "package p, but the solution is package q"},
		{"twice", "package q\n\nfunc helper() {}\n\nfunc helper() {}\n", "func helper is declared twice"},
		{"not Go", "package q\n\nfunc (\n", "expected"},
	}
	for _, tc := range tests {
		_, err := File("/w/sol/q.go", []byte(solution), "/w/mis/q.go", []byte(tc.mistake))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
