package lessonsrc

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
)

// TestShape says how a lesson test is built: whether it checks for leaked
// goroutines and whether it runs on virtual time. Every lesson test should
// do both; verify holds new lessons to it.
type TestShape struct {
	Name string
	File string // file name inside the lesson folder
	Line int
	// LeakChecked: the test defers goleak.VerifyNone, or the package's
	// TestMain calls goleak.VerifyTestMain.
	LeakChecked bool
	// VirtualTime: the test calls synctest.Test.
	VirtualTime bool
}

// TestShapes reads the shape of every top-level test in the _test.go files
// of dir. Files that do not parse are skipped: the compiler reports them.
func TestShapes(dir string) ([]TestShape, error) {
	_, files, err := GoFiles(dir)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	var shapes []TestShape
	mainChecks := false
	for _, name := range files {
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			if fn.Recv == nil && fn.Name.Name == "TestMain" && calls(fn.Body, "goleak", "VerifyTestMain") {
				mainChecks = true
			}
			if !isTest(fn) {
				continue
			}
			shapes = append(shapes, TestShape{
				Name:        fn.Name.Name,
				File:        name,
				Line:        fset.Position(fn.Pos()).Line,
				LeakChecked: defers(fn.Body, "goleak", "VerifyNone"),
				VirtualTime: calls(fn.Body, "synctest", "Test"),
			})
		}
	}
	if mainChecks {
		for i := range shapes {
			shapes[i].LeakChecked = true
		}
	}
	return shapes, nil
}

// defers reports whether body has, among its own statements, a
// `defer pkg.fn(...)`: deferred at the top of the test, it runs after
// everything the test started has had its chance to end.
func defers(body *ast.BlockStmt, pkg, fn string) bool {
	for _, st := range body.List {
		if d, ok := st.(*ast.DeferStmt); ok && isCallTo(d.Call, pkg, fn) {
			return true
		}
	}
	return false
}

// calls reports whether pkg.fn is called anywhere in body.
func calls(body *ast.BlockStmt, pkg, fn string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok && isCallTo(c, pkg, fn) {
			found = true
		}
		return !found
	})
	return found
}

func isCallTo(c *ast.CallExpr, pkg, fn string) bool {
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || sel.Sel.Name != fn {
		return false
	}
	id, ok := sel.X.(*ast.Ident)
	return ok && id.Name == pkg
}
