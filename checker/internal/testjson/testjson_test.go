package testjson

import (
	"slices"
	"strings"
	"testing"
)

// A stream with two packages interleaved: one whose test binary did not
// build, one with a pass, a failure and a test that never ended.
const stream = `{"ImportPath":"ex/b [ex/b.test]","Action":"build-output","Output":"# ex/b\n"}
{"Action":"start","Package":"ex/a"}
{"ImportPath":"ex/b [ex/b.test]","Action":"build-output","Output":"b.go:3:9: undefined: x\n"}
{"Action":"run","Package":"ex/a","Test":"TestPass"}
{"ImportPath":"ex/b [ex/b.test]","Action":"build-fail"}
{"Action":"start","Package":"ex/b"}
{"Action":"output","Package":"ex/a","Test":"TestPass","Output":"=== RUN   TestPass\n"}
{"Action":"pass","Package":"ex/a","Test":"TestPass","Elapsed":0.5}
{"Action":"output","Package":"ex/b","Output":"FAIL\tex/b [build failed]\n"}
{"Action":"fail","Package":"ex/b","Elapsed":0,"FailedBuild":"ex/b [ex/b.test]"}
{"Action":"run","Package":"ex/a","Test":"TestFail"}
{"Action":"run","Package":"ex/a","Test":"TestFail/sub"}
{"Action":"fail","Package":"ex/a","Test":"TestFail/sub"}
{"Action":"fail","Package":"ex/a","Test":"TestFail"}
{"Action":"run","Package":"ex/a","Test":"TestStuck"}
{"Action":"output","Package":"ex/a","Test":"TestStuck","Output":"panic: test timed out after 10s\n"}
go: some message of the go command
{"Action":"output","Package":"ex/a","Output":"FAIL\tex/a\t10.0s\n"}
{"Action":"fail","Package":"ex/a","Elapsed":10}
`

func TestParseGroupsInterleavedPackages(t *testing.T) {
	run, err := Parse(strings.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	a, b := run.Package("ex/a"), run.Package("ex/b")
	if a == nil || b == nil || len(run.Sorted()) != 2 {
		t.Fatalf("got packages %v, want ex/a and ex/b", run.Sorted())
	}

	if !b.BuildFailed || b.Status != Fail || len(b.Tests) != 0 {
		t.Errorf("ex/b: got BuildFailed %v, status %s, %d tests; want a failed build with no tests", b.BuildFailed, b.Status, len(b.Tests))
	}
	if got := strings.Join(b.BuildOutput, ""); got != "# ex/b\nb.go:3:9: undefined: x\n" {
		t.Errorf("ex/b build output: got %q", got)
	}

	want := map[string]Status{"TestPass": Pass, "TestFail": Fail, "TestFail/sub": Fail, "TestStuck": NoVerdict}
	for name, status := range want {
		if got := a.Test(name); got == nil || got.Status != status {
			t.Errorf("ex/a %s: got %+v, want status %s", name, got, status)
		}
	}
	if got := len(a.TopLevel()); got != 3 {
		t.Errorf("ex/a: got %d top-level tests, want 3", got)
	}
	if a.Test("TestPass").Elapsed.Seconds() != 0.5 {
		t.Errorf("TestPass elapsed: got %v, want 0.5s", a.Test("TestPass").Elapsed)
	}
	if got := strings.Join(a.Test("TestStuck").Output, ""); !strings.Contains(got, "test timed out") {
		t.Errorf("TestStuck output: got %q", got)
	}
	if len(run.Stray) != 1 || !strings.HasPrefix(run.Stray[0], "go: some message") {
		t.Errorf("stray lines: got %q, want the go command's message", run.Stray)
	}
	if got := strings.Join(a.AllOutput(), ""); !strings.HasPrefix(got, "=== RUN   TestPass\n") || !strings.HasSuffix(got, "FAIL\tex/a\t10.0s\n") {
		t.Errorf("ex/a output in order: got %q", got)
	}
}

func TestEveryRunOfARepeatedTestIsKept(t *testing.T) {
	const repeated = `{"Action":"run","Package":"ex/a","Test":"TestX"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"--- PASS: TestX (0.00s)\n"}
{"Action":"pass","Package":"ex/a","Test":"TestX"}
{"Action":"run","Package":"ex/a","Test":"TestX"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"    x_test.go:9: second run failed\n"}
{"Action":"fail","Package":"ex/a","Test":"TestX"}
{"Action":"run","Package":"ex/a","Test":"TestX"}
{"Action":"output","Package":"ex/a","Test":"TestX","Output":"panic: boom\n"}
`
	run, err := Parse(strings.NewReader(repeated))
	if err != nil {
		t.Fatal(err)
	}
	x := run.Package("ex/a").Test("TestX")
	if got, want := x.Statuses(), []Status{Pass, Fail, NoVerdict}; !slices.Equal(got, want) {
		t.Fatalf("got runs %v, want %v", got, want)
	}
	if x.Status != NoVerdict {
		t.Errorf("got status %s, want the last run's, %s", x.Status, NoVerdict)
	}
	if got := strings.Join(x.Runs[1].Output, ""); got != "    x_test.go:9: second run failed\n" {
		t.Errorf("second run's output: got %q", got)
	}
	if len(x.Output) != 3 {
		t.Errorf("got %d output lines for the test, want every run's 3", len(x.Output))
	}
}

func TestALineOverTheLimitIsAnError(t *testing.T) {
	long := strings.Repeat("x", MaxLine+1)
	_, err := Parse(strings.NewReader(`{"Action":"start","Package":"ex/a"}` + "\n" + long + "\nmore\n"))
	if err == nil || !strings.Contains(err.Error(), "too long") {
		t.Errorf("got error %v, want one saying the line is too long", err)
	}
}
