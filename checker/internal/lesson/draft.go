package lesson

import (
	"go/build/constraint"
	"os"
	"path/filepath"
	"strings"

	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
)

// DraftTag is the build tag of a lesson in progress. Every .go file of a
// draft, in lessons/NN-slug/ and in solutions/NN-slug/, starts with
//
//	//go:build draft
//
// so `go test ./lessons/...`, `go vet ./...` and `go build ./...` never
// build it (a wildcard pattern skips a package whose files are all
// excluded), the checker does not list it, and verify checks only what a
// half-built lesson can promise: that it compiles with the tag. Its author
// works on it with `go run ./checker try NN`, which adds the tag.
const DraftTag = "draft"

// IsDraft reports whether the folder holds a draft: at least one of its
// .go files is built only with the draft tag.
func IsDraft(dir string) bool {
	nonTest, test, err := lessonsrc.GoFiles(dir)
	if err != nil {
		return false
	}
	for _, f := range append(nonTest, test...) {
		if DraftOnly(filepath.Join(dir, f)) {
			return true
		}
	}
	return false
}

// DraftOnly reports whether a Go file carries a //go:build line that
// needs the draft tag: it is never built without it.
func DraftOnly(file string) bool {
	data, err := os.ReadFile(file)
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || (strings.HasPrefix(line, "//") && !constraint.IsGoBuild(line)) {
			continue
		}
		if !constraint.IsGoBuild(line) {
			return false // the package clause: no constraint before it
		}
		expr, err := constraint.Parse(line)
		if err != nil {
			return false
		}
		// Built with the draft tag, and never without it, whatever the
		// other tags (the platform's, the race detector's) are.
		with := expr.Eval(func(string) bool { return true })
		without := expr.Eval(func(tag string) bool { return tag != DraftTag })
		return with && !without
	}
	return false
}
