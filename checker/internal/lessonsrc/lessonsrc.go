// Package lessonsrc reads what a lesson's source files declare without
// building them: its Go files, its top-level tests, its TODO(N) exercise
// marks, and the parts of its README that the checker looks at.
//
// The checker needs the test list before any test runs: when a test binary
// crashes, the tests after the crash never start and so never appear in the
// output of `go test`. Grading and verify both read lessons through this
// package, so the learner's report and the maintainers' gate always agree
// on which tests a lesson has and which exercise names each of them.
package lessonsrc

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// GoFiles lists the .go files of dir that the go tool builds, split into
// non-test and test files, sorted by name. Names starting with "_" or "."
// are left out, as the go tool leaves them out.
func GoFiles(dir string) (nonTest, test []string, err error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || !strings.HasSuffix(n, ".go") || strings.HasPrefix(n, "_") || strings.HasPrefix(n, ".") {
			continue
		}
		if strings.HasSuffix(n, "_test.go") {
			test = append(test, n)
		} else {
			nonTest = append(nonTest, n)
		}
	}
	return nonTest, test, nil
}

// Tests returns the names of the top-level test functions declared in the
// _test.go files of dir, in file order. Files that do not parse are
// skipped: the compiler will report them.
func Tests(dir string) ([]string, error) {
	_, files, err := GoFiles(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, f := range files {
		found, err := FileTests(filepath.Join(dir, f))
		if err != nil {
			continue
		}
		names = append(names, found...)
	}
	return names, nil
}

// FileTests returns the names of the top-level test functions of one Go
// file, in the order they are declared. When the file has a syntax error,
// the error names the file, and the tests declared in the part that parsed
// are returned with it.
func FileTests(path string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
	if err != nil && f == nil {
		return nil, err
	}
	var names []string
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && isTest(fn) {
			names = append(names, fn.Name.Name)
		}
	}
	if err != nil {
		return names, fmt.Errorf("%s: %v", filepath.Base(path), err)
	}
	return names, nil
}

// isTest mirrors the go command's rule: TestXxx where Xxx does not start
// with a lower-case letter, a plain function with one parameter. TestMain
// is not a test.
func isTest(fn *ast.FuncDecl) bool {
	name := fn.Name.Name
	if fn.Recv != nil || name == "TestMain" || !strings.HasPrefix(name, "Test") {
		return false
	}
	if rest := name[len("Test"):]; rest != "" {
		if r, _ := utf8.DecodeRuneInString(rest); unicode.IsLower(r) {
			return false
		}
	}
	return fn.Type.Params != nil && len(fn.Type.Params.List) == 1 && len(fn.Type.Params.List[0].Names) <= 1
}

// TODO is one "TODO(N)" mark in a starter file.
type TODO struct {
	Exercise int
	File     string // file name inside the lesson folder
	Line     int
	Text     string // what follows "TODO(N):", up to the next mark on the line
}

var todoRE = regexp.MustCompile(`TODO\((\d+)\)`)

// TODOs lists the TODO(N) marks of the non-test .go files of dir, ordered
// by exercise number, then file and line; marks that share a line keep
// their order. A file that cannot be read makes an error, and the marks of
// the files that could be read come with it.
func TODOs(dir string) ([]TODO, error) {
	files, _, err := GoFiles(dir)
	if err != nil {
		return nil, err
	}
	var out []TODO
	var readErr error
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			readErr = err
			continue
		}
		for i, line := range strings.Split(string(data), "\n") {
			out = append(out, lineTODOs(line, f, i+1)...)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Exercise != b.Exercise {
			return a.Exercise < b.Exercise
		}
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return out, readErr
}

// lineTODOs finds the marks on one line. A comment may carry two
// ("TODO(2): … TODO(3): …"), so each mark's text stops at the next.
func lineTODOs(line, file string, n int) []TODO {
	marks := todoRE.FindAllStringSubmatchIndex(line, -1)
	var out []TODO
	for i, m := range marks {
		end := len(line)
		if i+1 < len(marks) {
			end = marks[i+1][0]
		}
		ex, _ := strconv.Atoi(line[m[2]:m[3]])
		text := strings.TrimSpace(strings.TrimPrefix(line[m[1]:end], ":"))
		out = append(out, TODO{Exercise: ex, File: file, Line: n, Text: text})
	}
	return out
}

// ExerciseAt is the exercise a line of a starter file belongs to, from
// the TODO(N) marks around it: those of the top-level declaration that
// holds the line (its doc comment included), or, when it has none, those
// of the whole file. It is 0 unless every such mark names the same
// exercise: a function worked on in several exercises, or a file whose
// marks the learner has deleted, says nothing for sure.
func ExerciseAt(file string, line int) int {
	src, err := os.ReadFile(file)
	if err != nil {
		return 0
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return 0
	}
	lines := strings.Split(string(src), "\n")
	marksIn := func(from, to int) []TODO {
		var out []TODO
		for n := max(from, 1); n <= to && n <= len(lines); n++ {
			out = append(out, lineTODOs(lines[n-1], "", n)...)
		}
		return out
	}
	marks := marksIn(1, len(lines))
	for _, d := range f.Decls {
		start, end := d.Pos(), d.End()
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
			start = fd.Doc.Pos()
		}
		if gd, ok := d.(*ast.GenDecl); ok && gd.Doc != nil {
			start = gd.Doc.Pos()
		}
		from, to := fset.Position(start).Line, fset.Position(end).Line
		if line < from || line > to {
			continue
		}
		if in := marksIn(from, to); len(in) > 0 {
			marks = in
		}
		break
	}
	exercise := 0
	for _, m := range marks {
		if exercise != 0 && m.Exercise != exercise {
			return 0
		}
		exercise = m.Exercise
	}
	return exercise
}
