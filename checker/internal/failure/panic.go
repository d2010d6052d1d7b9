package failure

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"strings"
)

func (p stackParser) panic(lines []string, kind Kind) Report {
	r := Report{Kind: kind}
	i := panicLine(lines)
	msg := clean(lines[i])
	msg = strings.TrimSuffix(msg, " [recovered, repanicked]")
	msg = strings.TrimSuffix(msg, " [recovered]")
	r.Details = append(r.Details, msg)
	gs := p.goroutines(lines[i:])
	if len(gs) > 0 {
		// The first goroutine of a panic dump is the one that panicked.
		g := gs[0]
		r.Where = p.firstLearner(g.Frames)
		r.TestLine = p.firstTest(g.Frames)
		r.Details = append(r.Details, p.lessonFrames(g.Frames, 6)...)
	}
	if kind == Exit {
		r.Headline = "the code called os.Exit during the test, which ends the whole test binary"
	} else {
		r.Headline = msg
	}
	if kind == Panic && len(gs) > 0 && r.Where != nil && len(gs[0].Frames) > 0 && gs[0].Frames[0] == *r.Where {
		if d, ok := p.deferredAt(*r.Where); ok {
			brace := *r.Where
			if len(d.defers) == 1 {
				r.Where.Line = d.defers[0]
			}
			r.Headline = fmt.Sprintf("%s: %s (in %s at %s)", d.sentence(brace), msg, r.Where.Func, r.Where.Location())
			r.Details = append(r.Details, d.explain(brace))
			return r
		}
	}
	if r.Where != nil {
		r.Headline += fmt.Sprintf(" (in %s at %s)", r.Where.Func, r.Where.Location())
	}
	return r
}

// Stopped describes a test that started and never reported a verdict,
// with no panic to explain it: the test binary exited under it, through
// os.Exit or log.Fatal, or was killed.
func Stopped(lines []string, ctx Context) Report {
	r := Report{Kind: Exit, Headline: "the test binary stopped during this test without a verdict: does the code call os.Exit or log.Fatal?"}
	var last []string
	for _, raw := range lines {
		l := clean(raw)
		if strings.HasPrefix(l, "=== ") || strings.TrimSpace(l) == "" {
			continue
		}
		last = append(last, strings.TrimSpace(l))
	}
	if len(last) > 5 {
		last = last[len(last)-5:]
	}
	if len(last) > 0 {
		r.Details = append([]string{"its last output:"}, indent(last)...)
	}
	return r
}

// deferred is what the source says of a panic whose frame is the closing
// brace of a function: a call that function deferred panicked there.
type deferred struct {
	defers []int // the lines of the function's defer statements
}

// deferredAt reports whether f's line is the closing brace of a function
// (deferred calls run there when it returns, and a panic in one names
// that line), and finds the function's own defer statements.
func (p stackParser) deferredAt(f Frame) (deferred, bool) {
	if p.ctx.Source == nil {
		return deferred{}, false
	}
	src, err := p.ctx.Source(f.File)
	if err != nil {
		return deferred{}, false
	}
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, f.File, src, parser.SkipObjectResolution)
	if err != nil {
		return deferred{}, false
	}
	var body *ast.BlockStmt // the innermost function that ends on the line
	ast.Inspect(file, func(n ast.Node) bool {
		var b *ast.BlockStmt
		switch fn := n.(type) {
		case *ast.FuncDecl:
			b = fn.Body
		case *ast.FuncLit:
			b = fn.Body
		}
		if b != nil && fset.Position(b.Rbrace).Line == f.Line {
			body = b
		}
		return true
	})
	if body == nil {
		return deferred{}, false
	}
	var d deferred
	ast.Inspect(body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.FuncLit:
			return false // its defers run at its own end
		case *ast.DeferStmt:
			d.defers = append(d.defers, fset.Position(s.Pos()).Line)
		}
		return true
	})
	return d, true
}

// sentence begins the headline: which deferred call panicked.
func (d deferred) sentence(brace Frame) string {
	switch len(d.defers) {
	case 0:
		return "a deferred call panicked"
	case 1:
		return fmt.Sprintf("a deferred call panicked (the defer is at line %d)", d.defers[0])
	}
	lines := make([]string, len(d.defers))
	for i, l := range d.defers {
		lines[i] = strconv.Itoa(l)
	}
	return fmt.Sprintf("a deferred call panicked (one of the defers at lines %s)", strings.Join(lines, ", "))
}

// explain says why the stack names the closing brace.
func (d deferred) explain(brace Frame) string {
	return fmt.Sprintf("The stack names %s, the closing brace of %s: deferred calls run there, when the function returns. "+
		"Does the deferred call do again what the function already did (close a channel, unlock a mutex)?", brace.Location(), brace.Func)
}
