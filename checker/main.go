// Command checker grades the workshop's lessons and checks the workshop
// itself.
//
//	go run ./checker            grade every lesson, say what to do next
//	go run ./checker NN         one lesson in detail (NN, NN-slug or slug)
//	go run ./checker verify     the maintainers' gate: solutions, mistakes, decks, READMEs
//	go run ./checker manifest   rewrite checker/manifest.txt from the lessons as they are
//	go run ./checker try NN [MISTAKE] [go test flags]
//	                            run a lesson's tests against its solution or a mistake
//
// Flags: -json (one JSON document), -no-color, -count N (verify's solution
// repetitions). The checker never writes into lessons/; the manifest
// command writes checker/manifest.txt and nothing else.
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

// embeddedManifest holds the hashes of the lesson files as shipped.
//
//go:embed manifest.txt
var embeddedManifest []byte

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `Usage:
  go run ./checker [-json] [-no-color]        grade every lesson and say what to do next
  go run ./checker [-json] [-no-color] NN     one lesson in detail (NN, NN-slug or slug)
  go run ./checker verify [-count N]          check the workshop itself (maintainers, CI)
  go run ./checker manifest                   rewrite checker/manifest.txt (maintainers)
  go run ./checker try NN [MISTAKE] [FLAGS]   run lesson NN's tests against its solution, or one of
                                              its mistakes, with -race and go test FLAGS (maintainers)

Flags:
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
	if len(args) > 0 && args[0] == "try" {
		// Everything after the lesson and the mistake belongs to go test.
		return runTry(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("checker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	jsonOut := fs.Bool("json", false, "print one JSON document instead of text")
	noColor := fs.Bool("no-color", false, "no colours (also when NO_COLOR is set or the output is not a terminal)")
	count := fs.Int("count", 0, "verify: how many times each solution's tests run (0: the default)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	positional, err := parseAnywhere(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	if len(positional) > 1 {
		fmt.Fprintf(stderr, "checker: one lesson at a time, got %s\n\n", strings.Join(positional, " "))
		fs.Usage()
		return exitUsage
	}
	cmd := ""
	if len(positional) == 1 {
		cmd = positional[0]
	}
	out := output{
		stdout: stdout,
		stderr: stderr,
		json:   *jsonOut,
		color:  !*noColor && colorAllowed(stdout),
		tty:    isTerminal(stderr),
	}
	switch cmd {
	case "manifest":
		return writeManifest(out)
	case "verify":
		return runVerify(ctx, out, *count)
	case "":
		return gradeAll(ctx, out)
	}
	return gradeOne(ctx, out, cmd)
}

// parseAnywhere lets flags come before or after the command, as in
// `go run ./checker 01 -json`.
func parseAnywhere(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// output is where and how to write.
type output struct {
	stdout, stderr io.Writer
	json           bool
	color          bool // colours on stdout
	tty            bool // stderr is a terminal: a live progress line is fine
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
