// Command checker grades the workshop's lessons and checks the workshop
// itself.
//
//	go run ./checker [-json] [-no-color]      grade every lesson, say what to do next
//	go run ./checker [-json] [-no-color] [-all] NN
//	                                          one lesson in detail (NN, NN-slug or slug)
//	go run ./checker -require NN              the same, and exit 1 unless lesson NN is done (autograding)
//	go run ./checker hint [NN [EXERCISE [LEVEL]]]
//	                                          the next hint of the exercise you are on, or of the one named
//	go run ./checker watch [-no-color]        grade the lesson you work on each time you save
//	go run ./checker class [-format F] [-o FILE] [-parallel N] [-sandbox] DIR | -list FILE
//	                                          grade every learner's copy under DIR with this copy's tests
//	go run ./checker verify [-no-color] [-count N]
//	                                          the maintainers' gate: solutions, mistakes, decks, READMEs
//	go run ./checker manifest                 rewrite checker/manifest.txt from the lessons as they are
//	go run ./checker slides                   draw the slides' pictures again (slides/timelines/)
//	go run ./checker try NN [MISTAKE] [go test flags]
//	                                          run a lesson's tests against its solution or a mistake
//
// From any folder inside the module, `go tool checker` runs it too (go.mod
// names it as a tool), and it names the commands that work there. Each
// command has its own flags: a flag another command takes is an error,
// not ignored. The checker never writes into lessons/; the manifest
// command writes checker/manifest.txt and nothing else, the slides command
// slides/timelines/ and nothing else.
package main

import (
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
)

// embeddedManifest holds the hashes of the lesson files as shipped, and of
// the test files of every earlier release.
//
//go:embed manifest.txt
var embeddedManifest []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usage is the help text; "go run ./checker" in it becomes the command
// that works where the checker runs.
const usage = `Usage:
  go run ./checker [-json] [-no-color]        grade every lesson and say what to do next
  go run ./checker [-json] [-no-color] [-all] NN
                                              one lesson in detail (NN, NN-slug or slug)
  go run ./checker -require NN                the same, and exit with 1 unless lesson NN is done
                                              (for autograding: GitHub Classroom)
  go run ./checker hint [NN [EXERCISE [LEVEL]]]
                                              the next hint of the exercise you are on (the first
                                              with a test that does not pass), or of the one named;
                                              with a LEVEL, that hint
  go run ./checker watch [-no-color]          grade the lesson you work on again each time a .go
                                              file under lessons/ is saved (Ctrl-C stops)
  go run ./checker class [-format text|csv|md|json|html] [-o FILE] [-parallel N] [-sandbox] DIR
  go run ./checker class [flags] -list FILE   grade every learner's copy under DIR (or listed in FILE)
                                              with the tests of this copy, into one report (instructors)
  go run ./checker verify [-no-color] [-count N]
                                              check the workshop itself (maintainers, CI)
  go run ./checker manifest                   rewrite checker/manifest.txt (maintainers)
  go run ./checker slides                     draw the slides' pictures again from the tests, into
                                              slides/timelines/NN-slug/{starter,solution} (maintainers)
  go run ./checker try NN [MISTAKE] [FLAGS]   run lesson NN's tests against its solution, or one of
                                              its mistakes, with -race and go test FLAGS (maintainers)
`

// Exit codes: 0 when the command did its job (even if lessons fail), 1
// when it could not (not in the repository, no go command, a broken
// go.mod) or verify found problems, 2 for a wrong command line.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd, rest := "", args
	if len(args) > 0 {
		cmd, rest = args[0], args[1:]
	}
	switch cmd {
	case "try":
		// Everything after the lesson and the mistake belongs to go test.
		return runTry(ctx, rest, stdout, stderr)
	case "verify":
		return runVerify(ctx, rest, stdout, stderr)
	case "manifest":
		return writeManifest(rest, stdout, stderr)
	case "slides":
		return drawPictures(ctx, rest, stdout, stderr)
	case "hint":
		return runHint(ctx, rest, stdout, stderr)
	case "watch":
		return runWatch(ctx, rest, stdout, stderr)
	case "class":
		return runClass(ctx, rest, stdout, stderr)
	}
	return runGrade(ctx, args, stdout, stderr)
}

// flagSet is a command's own flags, with the shared usage text.
func flagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHere())
		var flags strings.Builder
		fs.SetOutput(&flags)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
		if flags.Len() > 0 {
			fmt.Fprintf(stderr, "\nFlags of %s:\n%s", name, flags.String())
		}
	}
	return fs
}

// parse parses a command's arguments, flags before or after the
// positional ones (`go run ./checker 01 -json`). done is true when the
// caller should return code: help was asked for, or a flag is wrong.
func parse(fs *flag.FlagSet, args []string) (positional []string, code int, done bool) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, true
			}
			return nil, exitUsage, true
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, exitOK, false
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// tooMany reports, with the usage, positional arguments a command does
// not take.
func tooMany(fs *flag.FlagSet, what string) int {
	fmt.Fprintf(fs.Output(), "checker: %s\n\n", what)
	fs.Usage()
	return exitUsage
}

// output is where and how to write.
type output struct {
	stdout, stderr io.Writer
	json           bool
	color          bool // colours on stdout
	tty            bool // stderr is a terminal: a live progress line is fine
}

func newOutput(stdout, stderr io.Writer, json, noColor bool) output {
	return output{
		stdout: stdout,
		stderr: stderr,
		json:   json,
		color:  !noColor && colorAllowed(stdout),
		tty:    isTerminal(stderr),
	}
}

func (o output) errorf(format string, a ...any) int {
	fmt.Fprintf(o.stderr, "checker: "+format+"\n", a...)
	return exitError
}

// colorAllowed follows https://no-color.org: colour only on a terminal,
// and never when NO_COLOR is set to anything non-empty or TERM is dumb.
func colorAllowed(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && os.Getenv("TERM") != "dumb" && isTerminal(w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
