package lessonsrc

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestGoFilesListsWhatTheGoToolBuilds(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"echo.go":         "package echo\n",
		"twice.go":        "package echo\n",
		"echo_test.go":    "package echo\n",
		"_scratch.go":     "ignored by the go tool",
		".hidden_test.go": "ignored by the go tool",
		"notes.md":        "not Go",
		"sub/skip.go":     "in a sub-folder: another package",
	})
	nonTest, test, err := GoFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"echo.go", "twice.go"}; !slices.Equal(nonTest, want) {
		t.Errorf("non-test files: got %q, want %q", nonTest, want)
	}
	if want := []string{"echo_test.go"}; !slices.Equal(test, want) {
		t.Errorf("test files: got %q, want %q", test, want)
	}
	if _, _, err := GoFiles(filepath.Join(dir, "missing")); err == nil {
		t.Errorf("a missing folder: got no error, want one")
	}
}

func TestTestsFindsTopLevelTestFunctions(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"a_test.go": `package chain

import "testing"

func TestMain(m *testing.M) {}
func TestFirst(t *testing.T) {}
func Testlower(t *testing.T) {}
func helper(t *testing.T) {}
func TestSecond(t *testing.T) { t.Run("sub", func(t *testing.T) {}) }
func BenchmarkX(b *testing.B) {}
`,
		"b_test.go":  "package chain\n\nimport \"testing\"\n\nfunc TestThird(t *testing.T) {}\nfunc Test(t *testing.T) {}\n",
		"c_test.go":  "package chain\n\nthis does not parse\n",
		"chain.go":   "package chain\n\nfunc TestNotATestFile(t int) {}\n",
		"_x_test.go": "package chain\n\nimport \"testing\"\n\nfunc TestIgnoredFile(t *testing.T) {}\n",
	})
	got, err := Tests(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"TestFirst", "TestSecond", "TestThird", "Test"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Tests() = %v, want %v", got, want)
	}
}

func TestTODOsAreOrderedByExercise(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"b.go":      "package x\n\n// TODO(2): second thing\nfunc B() {}\n",
		"a.go":      "package x\n\nfunc A() {\n\t// TODO(1): first thing\n}\n\n// TODO(2) also here\n",
		"a_test.go": "package x\n\n// TODO(1): not in tests\n",
	})
	got, err := TODOs(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []TODO{
		{Exercise: 1, File: "a.go", Line: 4, Text: "first thing"},
		{Exercise: 2, File: "a.go", Line: 7, Text: "also here"},
		{Exercise: 2, File: "b.go", Line: 3, Text: "second thing"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("TODOs() = %+v, want %+v", got, want)
	}
}

func TestFileTestsFindsWhatGoTestRuns(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"x_test.go": `package x

import "testing"

func TestMain(m *testing.M)              {}
func TestOne(t *testing.T)               {}
func Test(t *testing.T)                  {}
func Test_Two(t *testing.T)              {}
func TestÉcho(t *testing.T)              {}
func Testify(t *testing.T)               {}
func Testécho(t *testing.T)              {}
func TestNoArgs()                        {}
func TestTwoArgs(t, u *testing.T)        {}
func (s suite) TestMethod(t *testing.T)  {}
func BenchmarkThree(b *testing.B)        {}
`})
	got, err := FileTests(filepath.Join(dir, "x_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"TestOne", "Test", "Test_Two", "TestÉcho"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFileTestsKeepsWhatParsedBeforeASyntaxError(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{"x_test.go": "package x\n\nimport \"testing\"\n\nfunc TestOne(t *testing.T) {}\n\nfunc TestBroken(t *testing.T) {\n"})
	got, err := FileTests(filepath.Join(dir, "x_test.go"))
	if err == nil || !strings.HasPrefix(err.Error(), "x_test.go: ") {
		t.Errorf("got error %v, want one that starts with the file name", err)
	}
	if !slices.Contains(got, "TestOne") {
		t.Errorf("got %q, want TestOne, which parsed", got)
	}
	if _, err := FileTests(filepath.Join(dir, "missing_test.go")); err == nil {
		t.Errorf("a missing file: got no error, want one")
	}
}

func TestTODOsSplitsMarksThatShareALine(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"twice.go": "package x\n\n// TODO(3): also. TODO(2): twice.\r\nfunc Twice() {}\n",
	})
	got, err := TODOs(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []TODO{
		{Exercise: 2, File: "twice.go", Line: 3, Text: "twice."},
		{Exercise: 3, File: "twice.go", Line: 3, Text: "also."},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
}

func TestTODOsOfAMissingFolder(t *testing.T) {
	got, err := TODOs(filepath.Join(t.TempDir(), "missing"))
	if err == nil || len(got) != 0 {
		t.Errorf("got %+v and error %v, want no marks and an error", got, err)
	}
}

func TestExerciseAtReadsTheMarksAroundALine(t *testing.T) {
	dir := t.TempDir()
	src := `package x

// A is exercise 1's.
// TODO(1): do A.
func A() {
	_ = 1
}

func B() {
	// TODO(2): do B.
	// TODO(3): and C.
	_ = 2
}

func C() {
	_ = 3
}
`
	file := filepath.Join(dir, "x.go")
	if err := os.WriteFile(file, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ line, want int }{
		{6, 1},  // in A, whose doc comment carries TODO(1)
		{12, 0}, // in B, worked on in two exercises
		{16, 0}, // in C, which has no mark, in a file of three exercises
		{99, 0}, // past the end
	} {
		if got := ExerciseAt(file, tc.line); got != tc.want {
			t.Errorf("line %d: got %d, want %d", tc.line, got, tc.want)
		}
	}
	one := filepath.Join(dir, "one.go")
	if err := os.WriteFile(one, []byte("package x\n\n// TODO(3): lock n.\ntype T struct{ n int }\n\nfunc (t *T) Get() int {\n\treturn t.n\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := ExerciseAt(one, 7); got != 3 {
		t.Errorf("a mark-less method in a file of exercise 3: got %d, want 3", got)
	}
}
