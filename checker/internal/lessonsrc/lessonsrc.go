// Package lessonsrc reads what a lesson's source files declare without
// building them: its top-level tests, its TODO(N) exercise marks, and the
// title and exercise list of its README.
//
// The checker needs the test list before any test runs: when a test binary
// crashes, the tests after the crash never start and so never appear in the
// output of `go test`.
package lessonsrc

import (
	"bufio"
	"bytes"
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

// Tests returns the names of the top-level test functions declared in the
// _test.go files of dir, in file order. Files that do not parse are
// skipped: the compiler will report them.
func Tests(dir string) ([]string, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*_test.go"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	var names []string
	fset := token.NewFileSet()
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range file.Decls {
			if fn, ok := d.(*ast.FuncDecl); ok && isTest(fn) {
				names = append(names, fn.Name.Name)
			}
		}
	}
	return names, nil
}

// isTest mirrors the go command's rule: TestXxx where Xxx does not start
// with a lower-case letter, a plain function with one parameter.
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
	Text     string // what follows "TODO(N):"
}

var todoRE = regexp.MustCompile(`TODO\((\d+)\):?\s*(.*)`)

// TODOs lists the TODO(N) marks of the non-test .go files of dir, ordered
// by exercise number, then file and line.
func TODOs(dir string) ([]TODO, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var out []TODO
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(data))
		for n := 1; sc.Scan(); n++ {
			if m := todoRE.FindStringSubmatch(sc.Text()); m != nil {
				ex, _ := strconv.Atoi(m[1])
				out = append(out, TODO{Exercise: ex, File: filepath.Base(f), Line: n, Text: strings.TrimSpace(m[2])})
			}
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
	return out, nil
}

// Readme is what the checker uses from a lesson's README.md.
type Readme struct {
	Title string // from "# NN · Title"
	// Exercises maps a test name to the number of the exercise that names
	// it in backticks under "## Exercises".
	Exercises map[string]int
}

var (
	titleRE    = regexp.MustCompile(`^#\s+\d+\s*[·.:-]\s*(.+?)\s*$`)
	exerciseRE = regexp.MustCompile(`^\s*(\d+)[.)]\s`)
	testRefRE  = regexp.MustCompile("`(Test[A-Za-z0-9_]*)`")
)

// ReadReadme parses dir/README.md. A missing README gives an empty result.
func ReadReadme(dir string) Readme {
	r := Readme{Exercises: map[string]int{}}
	data, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		return r
	}
	inExercises, current := false, 0
	for _, line := range strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n") {
		if r.Title == "" {
			if m := titleRE.FindStringSubmatch(line); m != nil {
				r.Title = m[1]
				continue
			}
		}
		if strings.HasPrefix(line, "## ") {
			inExercises = strings.TrimSpace(line[3:]) == "Exercises"
			continue
		}
		if !inExercises {
			continue
		}
		if m := exerciseRE.FindStringSubmatch(line); m != nil {
			current, _ = strconv.Atoi(m[1])
		}
		if current == 0 {
			continue
		}
		for _, m := range testRefRE.FindAllStringSubmatch(line, -1) {
			if _, seen := r.Exercises[m[1]]; !seen {
				r.Exercises[m[1]] = current
			}
		}
	}
	return r
}
