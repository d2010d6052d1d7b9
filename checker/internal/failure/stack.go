package failure

import (
	"regexp"
	"strconv"
	"strings"
)

// Frame is one call in a stack trace.
type Frame struct {
	Func string // shortened: "(*Service).Call", "internal/timeline.(*T).Add"
	File string // relative to the module root when inside it, else as printed
	Line int
}

// Location is "file:line".
func (f Frame) Location() string { return f.File + ":" + strconv.Itoa(f.Line) }

// Goroutine is one goroutine of a stack dump or of a goleak report.
type Goroutine struct {
	ID        int
	State     string // "chan send (durable), synctest bubble 2"
	Frames    []Frame
	CreatedBy *Frame
}

// InBubble reports whether the goroutine belongs to a synctest bubble.
func (g Goroutine) InBubble() bool { return strings.Contains(g.State, "synctest bubble") }

// WaitingOn is the state without the bubble suffix: "chan send".
func (g Goroutine) WaitingOn() string {
	s, _, _ := strings.Cut(g.State, ", synctest bubble")
	s = strings.TrimSuffix(s, " (durable)")
	if i := strings.Index(s, ", "); i >= 0 { // "chan receive, 2 minutes"
		s = s[:i]
	}
	return s
}

var (
	// A dump made on SIGQUIT adds the goroutine's and the thread's
	// addresses to each header, and the frame and stack pointers to each
	// location.
	locationRE  = regexp.MustCompile(`^(\S.*?\.go):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=\S+ sp=\S+ pc=\S+)?$`)
	dumpHeadRE  = regexp.MustCompile(`^goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[(.*)\]:$`)
	leakHeadRE  = regexp.MustCompile(`^\[?\s*Goroutine (\d+) in state (.*), with \S+ on top of the stack:$`)
	createdByRE = regexp.MustCompile(`^created by (\S+)(?: in goroutine \d+)?$`)
)

// stackParser turns the lines of a dump into goroutines. It accepts the
// runtime's format ("goroutine 7 [chan send]:") and goleak's ("[Goroutine 7
// in state chan send, with f on top of the stack:"), with any indentation.
type stackParser struct {
	ctx Context
}

func (p stackParser) goroutines(lines []string) []Goroutine {
	var out []Goroutine
	var cur *Goroutine
	// A goroutine can be listed twice: by goleak, deferred in a test that
	// is panicking, and by the runtime's dump after the panic.
	seen := map[int]bool{}
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	for i := 0; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		head := dumpHeadRE.FindStringSubmatch(t)
		if head == nil {
			head = leakHeadRE.FindStringSubmatch(t)
		}
		if head != nil {
			flush()
			id, _ := strconv.Atoi(head[1])
			if !seen[id] {
				seen[id] = true
				cur = &Goroutine{ID: id, State: head[2]}
			}
			continue
		}
		if cur == nil || i+1 >= len(lines) {
			continue
		}
		f, ok := p.frame(t, strings.TrimSpace(lines[i+1]))
		if !ok {
			continue
		}
		i++
		if m := createdByRE.FindStringSubmatch(t); m != nil {
			f.Func = p.shorten(m[1])
			cur.CreatedBy = &f
			continue
		}
		cur.Frames = append(cur.Frames, f)
	}
	flush()
	return out
}

// frame reads a function line and the location line under it.
func (p stackParser) frame(fn, loc string) (Frame, bool) {
	m := locationRE.FindStringSubmatch(loc)
	if m == nil || fn == "" || locationRE.MatchString(fn) {
		return Frame{}, false
	}
	line, _ := strconv.Atoi(m[2])
	return Frame{Func: p.shorten(stripArgs(fn)), File: p.ctx.Rel(m[1]), Line: line}, true
}

// frames reads consecutive frames (function line, location line) from
// lines, as the race detector prints them.
func (p stackParser) frames(lines []string) []Frame {
	var out []Frame
	for i := 0; i+1 < len(lines); i++ {
		if f, ok := p.frame(strings.TrimSpace(lines[i]), strings.TrimSpace(lines[i+1])); ok {
			out = append(out, f)
			i++
		}
	}
	return out
}

// stripArgs turns "pkg.(*T).M(0xc000, ...)" into "pkg.(*T).M".
func stripArgs(fn string) string {
	if !strings.HasSuffix(fn, ")") {
		return fn
	}
	depth := 0
	for i := len(fn) - 1; i >= 0; i-- {
		switch fn[i] {
		case ')':
			depth++
		case '(':
			depth--
			if depth == 0 {
				return fn[:i]
			}
		}
	}
	return fn
}

// shorten drops the lesson's import path, or the module path, from a
// function name: what is left is what the learner wrote.
func (p stackParser) shorten(fn string) string {
	if p.ctx.ImportPath != "" {
		if rest, ok := strings.CutPrefix(fn, p.ctx.ImportPath+"."); ok {
			return rest
		}
		if rest, ok := strings.CutPrefix(fn, p.ctx.ImportPath+"_test."); ok {
			return rest
		}
	}
	if p.ctx.ModulePath != "" {
		if rest, ok := strings.CutPrefix(fn, p.ctx.ModulePath+"/"); ok {
			return rest
		}
	}
	return fn
}
