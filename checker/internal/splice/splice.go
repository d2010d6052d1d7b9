// Package splice builds a wrong variant of a solution file from the few
// declarations a mistake changes.
//
// A mistake file holds a package clause, optionally an import block, and
// the top-level declarations it gets wrong; every other declaration comes
// from the solution. So a mistake shows only its mistake, and a change to
// the rest of the solution reaches every mistake at once.
//
// The rules:
//   - a function or method replaces the solution's declaration of the same
//     name (and receiver type); a type, var or const declaration replaces the
//     solution's declaration that declares the same names;
//   - a declaration the solution does not have is added at the end;
//   - an import block, if the mistake has one, replaces the solution's
//     imports (or goes after the package clause of a solution without
//     any): it must list every import of the spliced file.
//
// The spliced source carries //line directives, so compile errors, panics
// and race reports name the mistake's or the solution's own file and line.
package splice

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strings"
)

// File splices the mistake's declarations into the solution. solutionPath
// and mistakePath are the files' absolute paths, used in //line directives
// and error messages.
func File(solutionPath string, solution []byte, mistakePath string, mistake []byte) ([]byte, error) {
	sol, err := parse(solutionPath, solution)
	if err != nil {
		return nil, err
	}
	mis, err := parse(mistakePath, mistake)
	if err != nil {
		return nil, err
	}
	if sol.file.Name.Name != mis.file.Name.Name {
		return nil, fmt.Errorf("%s: package %s, but the solution is package %s", mistakePath, mis.file.Name.Name, sol.file.Name.Name)
	}

	// Each edit replaces a byte range of the solution with a range of the
	// mistake; an addition is an empty range at the end.
	type edit struct {
		from, to int // in the solution
		decl     span
	}
	var edits []edit
	solDecls := map[string]span{}
	var solImports []span
	for _, d := range sol.decls() {
		if d.imports {
			solImports = append(solImports, d)
			continue
		}
		solDecls[d.key] = d
	}
	seen := map[string]bool{}
	importsReplaced := false
	for _, d := range mis.decls() {
		if d.imports {
			if importsReplaced {
				return nil, fmt.Errorf("%s:%d: one import block, please", mistakePath, d.line)
			}
			importsReplaced = true
			if len(solImports) == 0 {
				// Nothing to replace: the block goes after the package clause.
				at := sol.fset.File(sol.file.Pos()).Offset(sol.file.Name.End())
				edits = append(edits, edit{from: at, to: at, decl: d})
				continue
			}
			for i, s := range solImports {
				e := edit{from: s.from, to: s.to, decl: d}
				if i > 0 {
					e.decl = span{} // one block stands for all of the solution's
				}
				edits = append(edits, e)
			}
			continue
		}
		if seen[d.key] {
			return nil, fmt.Errorf("%s:%d: %s is declared twice", mistakePath, d.line, d.key)
		}
		seen[d.key] = true
		if s, ok := solDecls[d.key]; ok {
			edits = append(edits, edit{from: s.from, to: s.to, decl: d})
		} else {
			edits = append(edits, edit{from: len(solution), to: len(solution), decl: d})
		}
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].from < edits[j].from })

	solTF := sol.fset.File(sol.file.Pos())
	var out bytes.Buffer
	fmt.Fprintf(&out, "//line %s:1\n", solutionPath)
	at := 0
	for _, e := range edits {
		out.Write(solution[at:e.from])
		at = e.to
		if e.decl.to == 0 {
			continue
		}
		if !bytes.HasSuffix(out.Bytes(), []byte("\n")) {
			out.WriteByte('\n')
		}
		fmt.Fprintf(&out, "//line %s:%d\n", mistakePath, e.decl.line)
		out.Write(mistake[e.decl.from:e.decl.to])
		out.WriteByte('\n')
		if at < len(solution) && solution[at] == '\n' {
			at++ // the newline just written ends the declaration's line
		}
		if at < len(solution) {
			// Back to the solution's numbering for what follows.
			fmt.Fprintf(&out, "//line %s:%d\n", solutionPath, solTF.Line(solTF.Pos(at)))
		}
	}
	out.Write(solution[at:])
	if _, err := parser.ParseFile(token.NewFileSet(), mistakePath, out.Bytes(), parser.SkipObjectResolution); err != nil {
		return nil, fmt.Errorf("splicing %s into %s: %v", mistakePath, solutionPath, err)
	}
	return out.Bytes(), nil
}

type parsed struct {
	fset *token.FileSet
	file *ast.File
}

func parse(path string, src []byte) (parsed, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, path, src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return parsed{}, err
	}
	return parsed{fset: fset, file: f}, nil
}

// span is one top-level declaration: its key, and its bytes with its doc
// comment.
type span struct {
	key      string
	imports  bool
	from, to int
	line     int // the first line, doc comment included
}

func (p parsed) decls() []span {
	tf := p.fset.File(p.file.Pos())
	var out []span
	for _, d := range p.file.Decls {
		start, doc := d.Pos(), (*ast.CommentGroup)(nil)
		s := span{}
		switch d := d.(type) {
		case *ast.FuncDecl:
			doc = d.Doc
			s.key = "func " + receiver(d) + d.Name.Name
		case *ast.GenDecl:
			doc = d.Doc
			s.imports = d.Tok == token.IMPORT
			s.key = d.Tok.String() + " " + strings.Join(names(d), ",")
		}
		if doc != nil {
			start = doc.Pos()
		}
		s.from, s.to = tf.Offset(start), tf.Offset(d.End())
		s.line = tf.Line(start)
		out = append(out, s)
	}
	return out
}

// receiver is "(T)." for a method of T or *T, "" for a function.
func receiver(f *ast.FuncDecl) string {
	if f.Recv == nil || len(f.Recv.List) == 0 {
		return ""
	}
	t := f.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if idx, ok := t.(*ast.IndexExpr); ok { // a generic receiver T[P]
		t = idx.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return "(" + id.Name + ")."
	}
	return "(?)."
}

// names lists the names a type, var or const declaration declares.
func names(d *ast.GenDecl) []string {
	var out []string
	for _, s := range d.Specs {
		switch s := s.(type) {
		case *ast.TypeSpec:
			out = append(out, s.Name.Name)
		case *ast.ValueSpec:
			for _, n := range s.Names {
				out = append(out, n.Name)
			}
		}
	}
	return out
}
