// Package testjson reads the event stream of `go test -json` and groups it
// into one result per package and per test, without scraping text.
//
// The stream is documented by `go doc test2json`. Events of several
// packages interleave; build failures arrive as build-output and
// build-fail events keyed by ImportPath, and the package's final fail
// event names the failed build in FailedBuild.
package testjson

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Event is one line of `go test -json` output.
type Event struct {
	Time        time.Time `json:",omitempty"`
	Action      string
	Package     string  `json:",omitempty"`
	Test        string  `json:",omitempty"`
	Elapsed     float64 `json:",omitempty"`
	Output      string  `json:",omitempty"`
	ImportPath  string  `json:",omitempty"`
	FailedBuild string  `json:",omitempty"`
}

// Status is how a test or a package ended.
type Status string

// The statuses a result can have. NoVerdict means the test started and
// never reported pass, fail or skip: its binary crashed or hung.
const (
	Pass      Status = "pass"
	Fail      Status = "fail"
	Skip      Status = "skip"
	NoVerdict Status = "none"
)

// Test is the result of one test or subtest: every run of it, since with
// -count=N it runs N times in one binary.
type Test struct {
	Name string // as go test names it: "TestX" or "TestX/sub"
	// Status and Elapsed are those of the last run.
	Status  Status
	Elapsed time.Duration
	Output  []string // the test's own output lines of every run, in order
	Runs    []*TestRun
}

// TestRun is one run of a test.
type TestRun struct {
	Status  Status // NoVerdict when the run started and never ended
	Elapsed time.Duration
	Output  []string // the lines this run printed
}

// Statuses lists how each run ended, in order.
func (t *Test) Statuses() []Status {
	out := make([]Status, len(t.Runs))
	for i, r := range t.Runs {
		out[i] = r.Status
	}
	return out
}

// Package is the result of one package.
type Package struct {
	ImportPath string
	Status     Status
	Elapsed    time.Duration
	// BuildFailed is true when the package's tests did not compile (or vet,
	// or the overlay, failed); BuildOutput then holds the compiler's lines.
	BuildFailed bool
	BuildOutput []string
	// Output holds the lines not tagged with a test: the final
	// "ok"/"FAIL" line, and anything printed by TestMain or after the
	// last test (a VerifyTestMain leak report, a crash outside a test).
	Output []string
	Tests  []*Test // in the order they started
	byName map[string]*Test
	all    []string
}

// Test returns the named test, or nil.
func (p *Package) Test(name string) *Test { return p.byName[name] }

// TopLevel returns the tests that are not subtests.
func (p *Package) TopLevel() []*Test {
	var out []*Test
	for _, t := range p.Tests {
		if !strings.Contains(t.Name, "/") {
			out = append(out, t)
		}
	}
	return out
}

// AllOutput is every line of the package, tests' and package's, in the
// order the lines arrived.
func (p *Package) AllOutput() []string { return p.all }

// Run holds every package of one `go test -json` run.
type Run struct {
	Packages map[string]*Package
	// Stray holds lines that were not JSON: the go command's own messages
	// (for example "go: cannot find main module"), in order.
	Stray []string
}

// Package returns the named package, or nil.
func (r *Run) Package(importPath string) *Package { return r.Packages[importPath] }

// Sorted returns the packages ordered by import path.
func (r *Run) Sorted() []*Package {
	out := make([]*Package, 0, len(r.Packages))
	for _, p := range r.Packages {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ImportPath < out[j].ImportPath })
	return out
}

// Parse reads a whole stream. Lines that are not JSON events are kept in
// Stray rather than rejected: the go command prints some errors as text.
func Parse(r io.Reader) (*Run, error) {
	p := NewParser()
	if err := p.Consume(r); err != nil {
		return nil, err
	}
	return p.Run(), nil
}

// MaxLine bounds one line of the stream. test2json cuts a test's output
// into events of at most a kilobyte or so, so only a broken stream comes
// near it.
const MaxLine = 16 << 20

// Consume reads lines from r until it ends. A line longer than
// MaxLine is an error; the rest of r is drained, so that a writer on the
// other end of a pipe never blocks.
func (p *Parser) Consume(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), MaxLine)
	for sc.Scan() {
		p.Line(sc.Bytes())
	}
	if err := sc.Err(); err != nil {
		_, _ = io.Copy(io.Discard, r)
		return fmt.Errorf("reading go test output: %w", err)
	}
	return nil
}

// Parser consumes a stream line by line, so a caller can show progress
// while `go test` is still running.
type Parser struct {
	run   *Run
	build map[string][]string // build output by ImportPath
	// OnEvent, if set, is called for every event after it is recorded.
	OnEvent func(Event)
}

// NewParser returns an empty parser.
func NewParser() *Parser {
	return &Parser{run: &Run{Packages: map[string]*Package{}}, build: map[string][]string{}}
}

// Line consumes one line of output.
func (p *Parser) Line(line []byte) {
	var e Event
	if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, &e) != nil || e.Action == "" {
		if s := strings.TrimRight(string(line), "\r"); s != "" {
			p.run.Stray = append(p.run.Stray, s+"\n")
		}
		return
	}
	p.Event(e)
}

// Event records one event.
func (p *Parser) Event(e Event) {
	switch e.Action {
	case "build-output":
		p.build[e.ImportPath] = append(p.build[e.ImportPath], e.Output)
	case "build-fail":
		// The package's own fail event follows and names this build.
	default:
		p.packageEvent(e)
	}
	if p.OnEvent != nil {
		p.OnEvent(e)
	}
}

func (p *Parser) pkg(name string) *Package {
	pk := p.run.Packages[name]
	if pk == nil {
		pk = &Package{ImportPath: name, Status: NoVerdict, byName: map[string]*Test{}}
		p.run.Packages[name] = pk
	}
	return pk
}

func (p *Parser) packageEvent(e Event) {
	if e.Package == "" {
		return
	}
	pk := p.pkg(e.Package)
	if e.Test == "" {
		switch e.Action {
		case "output":
			pk.Output = append(pk.Output, e.Output)
			pk.all = append(pk.all, e.Output)
		case "pass", "fail", "skip":
			pk.Status = Status(e.Action)
			pk.Elapsed = seconds(e.Elapsed)
			if e.FailedBuild != "" {
				pk.BuildFailed = true
				pk.BuildOutput = append(pk.BuildOutput, p.build[e.FailedBuild]...)
			}
		}
		return
	}
	t := pk.byName[e.Test]
	if t == nil {
		t = &Test{Name: e.Test, Status: NoVerdict}
		pk.byName[e.Test] = t
		pk.Tests = append(pk.Tests, t)
	}
	if e.Action == "run" || len(t.Runs) == 0 {
		t.Runs = append(t.Runs, &TestRun{Status: NoVerdict})
		t.Status, t.Elapsed = NoVerdict, 0
	}
	cur := t.Runs[len(t.Runs)-1]
	switch e.Action {
	case "output":
		t.Output = append(t.Output, e.Output)
		cur.Output = append(cur.Output, e.Output)
		pk.all = append(pk.all, e.Output)
	case "pass", "fail", "skip":
		cur.Status, cur.Elapsed = Status(e.Action), seconds(e.Elapsed)
		t.Status, t.Elapsed = cur.Status, cur.Elapsed
	}
}

// Run returns what has been read so far.
func (p *Parser) Run() *Run { return p.run }

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
