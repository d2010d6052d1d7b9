package failure

import (
	"regexp"
	"strconv"
	"strings"
)

// Kinds of build failure.
const (
	Compile Kind = "compile" // the compiler rejected the package or its tests
	Vet     Kind = "vet"     // go vet, which go test runs first, found a problem
)

// Build cuts the build-output lines of a package that did not compile:
// the "# package" headers go, file paths become relative to the module
// root, and Where points at the first error in the learner's files.
func Build(lines []string, ctx Context) Report {
	r := Report{Kind: Compile}
	for _, raw := range lines {
		l := clean(raw)
		if strings.HasPrefix(l, "# [") {
			// The go command heads vet's output with "# [package]".
			r.Kind = Vet
			continue
		}
		if strings.HasPrefix(l, "#") || strings.TrimSpace(l) == "" {
			continue
		}
		if strings.HasPrefix(l, "\t") && len(r.Details) == 1 {
			// A hint under the first error ("\tgo get …") completes it.
			r.Headline += " " + strings.TrimSpace(l)
		}
		if m := compileRE.FindStringSubmatch(l); m != nil {
			n, _ := strconv.Atoi(m[2]) // digits, by compileRE; 0 if out of range
			f := Frame{File: ctx.Rel(strings.TrimPrefix(m[1], "./")), Line: n}
			l = f.Location() + m[3]
			if r.Where == nil && (ctx.IsLearner(f) || ctx.IsLessonTest(f)) {
				r.Where = &f
			}
			if r.Headline == "" {
				r.Headline = m[4]
			}
		}
		r.Details = append(r.Details, l)
	}
	if r.Headline == "" && len(r.Details) > 0 {
		r.Headline = r.Details[0]
	}
	return r
}

// compileRE matches "path/file.go:12:5: message" (the column is optional).
var compileRE = regexp.MustCompile(`^(?:vet: )?(\S+\.go):(\d+)((?::\d+)?: (.*))$`)
