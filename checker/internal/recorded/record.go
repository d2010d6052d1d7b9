package recorded

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/wherewaiting/workshop/checker/internal/gotest"
)

// runs are the go test invocations the streams come from, by name: every
// lesson but 13 at once (so their events interleave as in a learner's
// run), lesson 13 alone, and single tests as the checker re-runs them
// after a crash. Each runs with -race -count=1, through the checker's own
// runner, whose stall watch stops lesson 15 (its initialisation never
// returns) after StartLimit. The 20 s timeout is what lessons 06 and 19
// wait for.
var runs = map[string]gotest.Request{
	"all": {Patterns: []string{
		"./lessons/01-pass/", "./lessons/02-fail/", "./lessons/03-nocompile/", "./lessons/04-vet/",
		"./lessons/05-panic/", "./lessons/06-hang/", "./lessons/07-exit/", "./lessons/08-race/",
		"./lessons/09-leak/", "./lessons/10-leakmain/", "./lessons/11-bubbleleak/", "./lessons/12-bubbleblocked/",
		"./lessons/14-raceboth/", "./lessons/15-inithang/", "./lessons/16-leakadvice/", "./lessons/17-lostcancel/",
		"./lessons/18-initpanic/", "./lessons/19-lockhang/", "./lessons/20-deferpanic/", "./lessons/21-subtestleak/"}},
	"exitone":        {Patterns: []string{"./lessons/13-exitone/"}},
	"solo-value":     {Run: "^TestFetchReturnsTheValue$", Patterns: []string{"./lessons/10-leakmain/"}},
	"solo-givesup":   {Run: "^TestFetchGivesUp$", Patterns: []string{"./lessons/10-leakmain/"}},
	"solo-neverruns": {Run: "^TestNeverRuns$", Patterns: []string{"./lessons/05-panic/"}},
}

// StartLimit is how long the recorded runs give a test binary to start
// its first test: the checker's own limit.
const StartLimit = 10 * time.Second

// vetRuns are the go vet -json invocations of the vet streams, by name.
var vetRuns = map[string][]string{
	"vet": {"./lessons/17-lostcancel/", "./lessons/01-pass/"},
}

// Streams lists every file of testdata/streams: the run it comes from (of
// runs or of vetRuns) and the lesson folder kept from it ("" for the
// whole run).
var Streams = []struct{ File, Run, Dir string }{
	{"interleaved", "all", ""},
	{"pass", "all", "01-pass"},
	{"fail", "all", "02-fail"},
	{"compile-error", "all", "03-nocompile"},
	{"vet-error", "all", "04-vet"},
	{"panic", "all", "05-panic"},
	{"hang", "all", "06-hang"},
	{"exit0", "all", "07-exit"},
	{"race", "all", "08-race"},
	{"leak", "all", "09-leak"},
	{"leak-testmain", "all", "10-leakmain"},
	{"bubble-leak", "all", "11-bubbleleak"},
	{"bubble-blocked", "all", "12-bubbleblocked"},
	{"race-both-lines", "all", "14-raceboth"},
	{"init-hang", "all", "15-inithang"},
	{"leak-advice", "all", "16-leakadvice"},
	{"lostcancel", "all", "17-lostcancel"},
	{"init-panic", "all", "18-initpanic"},
	{"lock-hang", "all", "19-lockhang"},
	{"defer-panic", "all", "20-deferpanic"},
	{"subtest-leak", "all", "21-subtestleak"},
	{"exit1", "exitone", ""},
	{"leak-testmain-solo-value", "solo-value", ""},
	{"leak-testmain-solo-givesup", "solo-givesup", ""},
	{"panic-solo-neverruns", "solo-neverruns", ""},
	{"vet-lostcancel", "vet", ""},
}

// Record runs go test -json -race in the fixture workshop at dir, every
// run at once, and go vet -json, and returns each stream of Streams,
// normalised, by file name. goroot is the Go installation's root, as
// stack traces print it.
func Record(ctx context.Context, goPath, dir, goroot string) (map[string][]byte, error) {
	var (
		g   errgroup.Group
		mu  sync.Mutex
		raw = map[string][]byte{}
	)
	for name, req := range runs {
		g.Go(func() error {
			req.Race, req.Count, req.Timeout, req.StartLimit = true, 1, 20*time.Second, StartLimit
			var stdout bytes.Buffer
			// go test fails: that is the point of these lessons. A run
			// that printed no event at all is what went wrong.
			run, err := gotest.Go{Path: goPath, Dir: dir, Lenient: true, Tee: &stdout}.Run(ctx, req, nil)
			if err == nil && len(run.Packages) == 0 {
				err = fmt.Errorf("no package reported\n%s", strings.Join(run.Stray, ""))
			}
			if err != nil {
				return fmt.Errorf("go %s: %v", strings.Join(req.Args(), " "), err)
			}
			mu.Lock()
			defer mu.Unlock()
			raw[name] = stdout.Bytes()
			return nil
		})
	}
	for name, patterns := range vetRuns {
		g.Go(func() error {
			req := gotest.Request{Patterns: patterns}
			cmd := exec.CommandContext(ctx, goPath, req.VetArgs()...)
			cmd.Dir = dir
			cmd.Env = req.Env()
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("go %s: %v\n%s", strings.Join(req.VetArgs(), " "), err, stderr.String())
			}
			mu.Lock()
			defer mu.Unlock()
			raw[name] = stdout.Bytes()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, s := range Streams {
		data := raw[s.Run]
		if s.Dir != "" {
			data = only(data, s.Dir)
		}
		files[s.File] = Normalize(data, dir, goroot)
	}
	return files, nil
}

// Normalize rewrites what varies from one run to the next, line by line
// of a stream: event times go, elapsed times become 0, the fixture's
// folder becomes Root and goroot /usr/local/go, hexadecimal numbers
// (addresses, +0x offsets) become 0x0, goroutine IDs are numbered by
// first appearance within each package, and log timestamps are fixed.
func Normalize(stream []byte, dir, goroot string) []byte {
	ids := map[string]map[string]int{} // package → goroutine ID → new ID
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(string(stream), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		line = timeRE.ReplaceAllString(line, "")
		line = elapsedRE.ReplaceAllString(line, `"Elapsed":0`)
		if dir != "" {
			line = strings.ReplaceAll(line, dir, Root)
		}
		if goroot != "" && goroot != "/usr/local/go" {
			line = strings.ReplaceAll(line, goroot, "/usr/local/go")
		}
		line = hexRE.ReplaceAllString(line, "0x0")
		line = passTimeRE.ReplaceAllString(line, "${1}(0.00s)")
		line = pkgTimeRE.ReplaceAllString(line, `${1}\t0.000s\n`)
		line = logTimeRE.ReplaceAllString(line, "2026/01/02 10:00:00 ")
		pkg := packageOf(line)
		if ids[pkg] == nil {
			ids[pkg] = map[string]int{}
		}
		line = goroutineRE.ReplaceAllStringFunc(line, func(s string) string {
			m := goroutineRE.FindStringSubmatch(s)
			n, ok := ids[pkg][m[2]]
			if !ok {
				n = len(ids[pkg]) + 1
				ids[pkg][m[2]] = n
			}
			return m[1] + strconv.Itoa(n)
		})
		out.WriteString(line)
		if !strings.HasSuffix(line, "\n") {
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

var (
	timeRE      = regexp.MustCompile(`"Time":"[^"]*",`)
	elapsedRE   = regexp.MustCompile(`"Elapsed":[0-9.eE+-]+`)
	hexRE       = regexp.MustCompile(`0x[0-9a-f]+\??`)
	passTimeRE  = regexp.MustCompile(`(--- (?:PASS|FAIL|SKIP): \S+ )\(\d+\.\d+s\)`)
	pkgTimeRE   = regexp.MustCompile(`((?:ok  |FAIL)\\t\S+)\\t\d+\.\d+s\\n`)
	logTimeRE   = regexp.MustCompile(`\d{4}/\d\d/\d\d \d\d:\d\d:\d\d `)
	goroutineRE = regexp.MustCompile(`([Gg]oroutine )(\d+)`)
)

// packageOf is the package a line of a stream is about.
func packageOf(line string) string {
	var e struct{ Package, ImportPath string }
	if json.Unmarshal([]byte(line), &e) != nil {
		return ""
	}
	if e.Package != "" {
		return e.Package
	}
	pkg, _, _ := strings.Cut(e.ImportPath, " ")
	return pkg
}

// only keeps the lines of a stream about the package of the lesson folder dir.
func only(stream []byte, dir string) []byte {
	var out bytes.Buffer
	for _, line := range strings.SplitAfter(string(stream), "\n") {
		if line != "" && packageOf(line) == ImportPath(dir) {
			out.WriteString(line)
		}
	}
	return out.Bytes()
}

// Grouped orders a stream's lines by package, keeping their order within
// each: the events of several packages interleave differently in every
// run, and nothing else about them does.
func Grouped(stream []byte) []byte {
	lines := strings.SplitAfter(string(stream), "\n")
	sort.SliceStable(lines, func(i, j int) bool { return packageOf(lines[i]) < packageOf(lines[j]) })
	return []byte(strings.Join(lines, ""))
}
