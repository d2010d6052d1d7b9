package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/class"
	"github.com/wherewaiting/workshop/checker/internal/classreport"
	"github.com/wherewaiting/workshop/checker/internal/gotest"
	"github.com/wherewaiting/workshop/checker/internal/manifest"
)

// runClass is `class DIR` or `class -list FILE`: every learner's copy
// graded with this copy's tests, into one report.
func runClass(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flagSet("class", stderr)
	list := fs.String("list", "", "a file that lists the copies, one folder a line (relative to the file's folder), instead of DIR")
	format := fs.String("format", "text", "the report's format: "+strings.Join(classreport.Formats, ", "))
	outFile := fs.String("o", "", "write the report to this file instead of standard output")
	parallel := fs.Int("parallel", 0, "copies graded at once (0: the number of CPUs)")
	sandbox := fs.Bool("sandbox", false, "run every learner's tests in a bubblewrap sandbox (Linux, needs bwrap): no network, the file system read only but for a temporary folder, home folders hidden")
	positional, code, done := parse(fs, args)
	if done {
		return code
	}
	out := newOutput(stdout, stderr, false, true)
	if (len(positional) == 1) == (*list != "") || len(positional) > 1 {
		return tooMany(fs, "class grades the copies under one folder (class DIR) or those a list names (class -list FILE)")
	}
	if !slices.Contains(classreport.Formats, *format) {
		fmt.Fprintf(stderr, "checker: -format %s: want one of %s\n", *format, strings.Join(classreport.Formats, ", "))
		return exitUsage
	}
	ws, err := findWorkshop()
	if err != nil {
		return out.errorf("%v (class grades with the tests of the copy it runs in: run it in your own copy)", err)
	}
	shipped, err := manifest.Parse(embeddedManifest)
	if err != nil {
		return out.errorf("the checker's own manifest is broken: %v", err)
	}
	in, err := class.LoadInstructor(ws.root, ws.lessons)
	if err != nil {
		return out.errorf("reading your copy: %v", err)
	}
	var found []class.Found
	if *list != "" {
		found, err = class.ReadList(*list)
	} else {
		found, err = class.Find(positional[0])
	}
	if err != nil {
		return out.errorf("%v", err)
	}
	if len(found) == 0 {
		return out.errorf("no copy of the workshop found (a folder with a go.mod or a lessons folder)")
	}
	goPath, err := gotest.Find()
	if err != nil {
		return out.errorf("%v", err)
	}
	opt := class.Options{Go: goPath, Parallel: *parallel, Shipped: shipped,
		Race: gotest.Go{Path: goPath, Dir: ws.root}.RaceAvailable(ctx)}
	if *sandbox {
		if opt.Sandbox, err = class.FindSandbox(); err != nil {
			return out.errorf("%v", err)
		}
	}
	tty := isTerminal(stderr)
	opt.Graded = func(done, total int, c class.Copy) {
		what := "graded"
		if c.Problem != "" {
			what = "not graded"
		}
		line := fmt.Sprintf("[%d/%d] %s %s (%.1fs)", done, total, classreport.Clean(c.Name), what, c.Elapsed.Seconds())
		if tty {
			fmt.Fprintf(stderr, "\r\033[K%s", line)
			if done == total {
				fmt.Fprintln(stderr)
			}
			return
		}
		fmt.Fprintln(stderr, line)
	}
	fmt.Fprintf(stderr, "grading %d copies with the tests of %s\n", len(found), ws.root)
	copies, err := class.Grade(ctx, in, found, opt)
	if err != nil {
		return out.errorf("%v", err)
	}
	report := class.NewReport(in.Lessons, copies, opt.Sandbox != nil)
	w := stdout
	if *outFile != "" {
		f, err := os.Create(*outFile)
		if err != nil {
			return out.errorf("%v", err)
		}
		defer f.Close()
		w = f
	}
	if err := classreport.Write(w, report, *format); err != nil {
		return out.errorf("writing the report: %v", err)
	}
	if *outFile != "" {
		fmt.Fprintf(stderr, "wrote %s\n", *outFile)
	}
	return exitOK
}
