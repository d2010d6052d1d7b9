package gotest

import (
	"errors"
	"os/exec"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
)

func TestArgs(t *testing.T) {
	tests := []struct {
		req  Request
		want []string
	}{
		{Request{Patterns: []string{"./lessons/..."}, Race: true, Timeout: 20 * time.Second},
			[]string{"test", "-json", "-race", "-timeout", "20s", "./lessons/..."}},
		{Request{Patterns: []string{"./lessons/01-a/"}, Timeout: 10 * time.Second, Run: "^TestA$"},
			[]string{"test", "-json", "-timeout", "10s", "-run", "^TestA$", "./lessons/01-a/"}},
	}
	for _, tc := range tests {
		got := tc.req.Args()
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Args() = %q, want %q", got, tc.want)
		}
		for _, a := range got {
			if strings.HasPrefix(a, "-count") {
				t.Errorf("Args() = %q: -count would turn test caching off", got)
			}
		}
	}
}

func parse(t *testing.T, text string) *testjson.Run {
	t.Helper()
	run, err := testjson.Parse(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return run
}

func TestCheck(t *testing.T) {
	exit1 := &exec.ExitError{}
	ok := `{"Action":"pass","Package":"github.com/wherewaiting/workshop/lessons/01-a"}` + "\n"
	tests := []struct {
		name    string
		stream  string
		waitErr error
		noRace  bool
		fails   string // part of the error, "" for none
	}{
		{"tests ran", ok, nil, false, ""},
		{"tests failed", ok, exit1, false, ""},
		{"no cgo", "go: -race requires cgo; enable cgo by setting CGO_ENABLED=1\n", exit1, true, "-race requires cgo"},
		{"broken go.mod", "go: errors parsing go.mod:\ngo.mod:3: unknown directive: bogus\n", exit1, false, "unknown directive: bogus"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Check(parse(t, tc.stream), tc.waitErr)
			if tc.fails == "" {
				if err != nil {
					t.Errorf("Check() = %v, want no error", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.fails) {
				t.Errorf("Check() = %v, want an error containing %q", err, tc.fails)
			}
			if got := errors.Is(err, ErrNoRace); got != tc.noRace {
				t.Errorf("errors.Is(err, ErrNoRace) = %v, want %v", got, tc.noRace)
			}
		})
	}
}

func TestCheckSpotsAMissingCCompiler(t *testing.T) {
	stream := `{"ImportPath":"runtime/cgo","Action":"build-output","Output":"# runtime/cgo\n"}
{"ImportPath":"runtime/cgo","Action":"build-output","Output":"cgo: C compiler \"gcc\" not found: exec: \"gcc\": executable file not found in $PATH\n"}
{"ImportPath":"runtime/cgo","Action":"build-fail"}
{"Action":"fail","Package":"github.com/wherewaiting/workshop/lessons/01-a","FailedBuild":"runtime/cgo"}
`
	_, err := Check(parse(t, stream), &exec.ExitError{})
	if !errors.Is(err, ErrNoRace) {
		t.Errorf("Check() = %v, want ErrNoRace", err)
	}
}
