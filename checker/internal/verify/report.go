package verify

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/ansi"
)

// reporter prints one line per check and keeps the score.
type reporter struct {
	out            io.Writer
	color          bool
	passed, failed int
	known          []string // checks allowed to fail, "NN-slug: short name" (knownFailures)
	allowed        int      // known failures let through
}

// maxDetail bounds the detail lines printed under one failed check.
const maxDetail = 24

// check records one check: passed when problems is empty. It returns
// whether the check passed.
func (r *reporter) check(name string, problems []string) bool {
	ok := len(problems) == 0
	mark := map[bool]string{true: "PASS", false: "FAIL"}[ok]
	if r.color {
		mark = map[bool]string{true: ansi.Paint(true, ansi.Green, "✓"), false: ansi.Paint(true, ansi.Red, "✗")}[ok]
	}
	fmt.Fprintf(r.out, "%s %s\n", mark, name)
	if ok {
		r.passed++
		return true
	}
	r.failed++
	r.details(problems)
	return false
}

// details prints a failed check's problems, indented, cut at maxDetail.
func (r *reporter) details(problems []string) {
	var lines []string
	for _, p := range problems {
		lines = append(lines, strings.Split(strings.TrimRight(p, "\n"), "\n")...)
	}
	for i, line := range lines {
		if i == maxDetail {
			fmt.Fprintf(r.out, "    … %d more lines\n", len(lines)-i)
			break
		}
		fmt.Fprintf(r.out, "    %s\n", line)
	}
}

// progress prints what is about to take a while and returns a func that
// says how long it took.
func (r *reporter) progress(format string, args ...any) (done func()) {
	start := time.Now()
	r.note(format, args...)
	return func() { r.note("  done in %s", time.Since(start).Round(100*time.Millisecond)) }
}

// note prints a line that is not a check.
func (r *reporter) note(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	line = ansi.Paint(r.color, ansi.Dim, line)
	fmt.Fprintf(r.out, "· %s\n", line)
}

// maxExcerpt bounds the lines kept from go's output for one problem.
const maxExcerpt = 12

// excerpt keeps the lines of go output that say something, with paths
// rewritten by pm, at most max of them.
func excerpt(lines []string, pm pathMapper, max int) []string {
	var out []string
	more := 0
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r\n")
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(l, "# ") ||
			t == "FAIL" || strings.HasPrefix(t, "FAIL\t") || strings.HasPrefix(t, "ok  \t") {
			continue
		}
		if len(out) == max {
			more++
			continue
		}
		out = append(out, pm.line(l))
	}
	if more > 0 {
		out = append(out, fmt.Sprintf("… %d more lines", more))
	}
	return out
}

// buildExcerpt is excerpt for compiler and vet output, where a package
// and its test variant often report the same error twice.
func buildExcerpt(lines []string, pm pathMapper) []string {
	var uniq []string
	for _, l := range lines {
		if !slices.Contains(uniq, l) {
			uniq = append(uniq, l)
		}
	}
	return excerpt(uniq, pm, maxExcerpt)
}

func indent(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = "  " + l
	}
	return out
}

// plural is "1 variant", "2 variants".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
