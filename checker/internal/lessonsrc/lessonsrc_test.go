package lessonsrc

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestTestsFindsTopLevelTestFunctions(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a_test.go": `package chain

import "testing"

func TestMain(m *testing.M) {}
func TestFirst(t *testing.T) {}
func Testlower(t *testing.T) {}
func helper(t *testing.T) {}
func TestSecond(t *testing.T) { t.Run("sub", func(t *testing.T) {}) }
func BenchmarkX(b *testing.B) {}
`,
		"b_test.go": "package chain\n\nimport \"testing\"\n\nfunc TestThird(t *testing.T) {}\nfunc Test(t *testing.T) {}\n",
		"c_test.go": "package chain\n\nthis does not parse\n",
		"chain.go":  "package chain\n\nfunc TestNotATestFile(t int) {}\n",
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
	dir := writeFiles(t, map[string]string{
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

func TestReadReadmeMapsTestsToExercises(t *testing.T) {
	dir := writeFiles(t, map[string]string{"README.md": "# 01 · The blocking chain\n\n" +
		"## The story\n\nSee `TestNotAnExercise`.\n\n" +
		"## Exercises\n\n" +
		"1. Call the database. Checked by `TestHandleCalls` and\n   `TestWaitsAddUp`.\n" +
		"2. Count in-flight calls. Checked by `TestInFlight`.\n\n" +
		"## How to run\n\n`TestHandleCalls` again.\n"})
	got := ReadReadme(dir)
	if got.Title != "The blocking chain" {
		t.Errorf("Title = %q, want %q", got.Title, "The blocking chain")
	}
	want := map[string]int{"TestHandleCalls": 1, "TestWaitsAddUp": 1, "TestInFlight": 2}
	if !reflect.DeepEqual(got.Exercises, want) {
		t.Errorf("Exercises = %v, want %v", got.Exercises, want)
	}
}

func TestReadReadmeWithoutAFile(t *testing.T) {
	got := ReadReadme(t.TempDir())
	if got.Title != "" || len(got.Exercises) != 0 {
		t.Errorf("ReadReadme of an empty folder = %+v, want nothing", got)
	}
}
