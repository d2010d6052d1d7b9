// Package firstfail checks what a learner sees first on a lesson's starter:
// the first failing test of plain `go test` must belong to exercise 1, or
// the learner starts on the wrong exercise.
//
// go test runs a package's test files in name order and the tests of each
// file in source order, one at a time unless a test calls t.Parallel; the
// first test that fails is the first "--- FAIL" the learner reads (with
// -json, the order of the tests' "run" events, which testjson keeps).
package firstfail

import (
	"fmt"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

// First returns the first top-level test, in the order the tests started,
// that did not pass or skip: it failed, or it started and never ended (a
// panic, a hang), which the learner also sees there. It returns nil when
// every test passed.
func First(p *testjson.Package) *testjson.Test {
	for _, t := range p.TopLevel() {
		if t.Status != testjson.Pass && t.Status != testjson.Skip {
			return t
		}
	}
	return nil
}

// Problems checks that the first failure of a starter's run belongs to
// exercise 1. exerciseOf maps each test to the exercise that names it;
// command is the command a learner types, to quote.
func Problems(p *testjson.Package, exerciseOf map[string]int, command string) []string {
	t := First(p)
	if t == nil {
		return nil // every test passes: the starter check reports it
	}
	n, named := exerciseOf[t.Name]
	if named && n == 1 {
		return nil
	}
	which := fmt.Sprintf("exercise %d's", n)
	if !named {
		which = "a test no exercise names,"
	}
	out := []string{fmt.Sprintf("`%s` shows %s %s failing first; the first failure a learner sees must belong to exercise 1", command, which, t.Name)}
	before := 0
	for _, u := range p.TopLevel() {
		if u == t {
			break
		}
		before++
	}
	switch {
	case before == 1:
		out = append(out, "(1 test passed before it)")
	case before > 1:
		out = append(out, fmt.Sprintf("(%d tests passed before it)", before))
	}
	return append(out, "go test runs test files in name order, then each file's tests in source order: put exercise 1's tests first (in the file whose name sorts first)")
}
