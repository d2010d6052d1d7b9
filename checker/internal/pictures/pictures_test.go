package pictures

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

// fakeRun draws what drawn says, as a lesson's tests would through
// timeline.Keep: lesson → variant → name → picture.
func fakeRun(drawn map[string]map[string]map[string]string) Runner {
	return func(_ context.Context, lesson, variant, dir string) error {
		for name, pic := range drawn[lesson][variant] {
			if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(pic), 0o644); err != nil {
				return err
			}
		}
		return nil
	}
}

var drawn = map[string]map[string]map[string]string{
	"04-retries": {
		"starter":  {"storm": "client |====|\n"},
		"solution": {"storm": "client |=|\n", "budget": "10%\n"},
	},
}

func TestGenerateThenReplaceWritesExactlyWhatTheTestsDraw(t *testing.T) {
	fresh, committed := t.TempDir(), t.TempDir()
	testkit.Write(t, committed, map[string]string{"04-retries/solution/gone.txt": "a picture no test draws any more\n"})
	lessons := []string{"04-retries", "05-circuit-breaker"}
	if err := Generate(context.Background(), fakeRun(drawn), lessons, fresh); err != nil {
		t.Fatal(err)
	}
	if err := Replace(fresh, committed, lessons); err != nil {
		t.Fatal(err)
	}
	got := tree(t, committed)
	want := []string{"04-retries/solution/budget.txt", "04-retries/solution/storm.txt", "04-retries/starter/storm.txt"}
	if !slices.Equal(got, want) {
		t.Errorf("got files %q, want %q", got, want)
	}
	if data, _ := os.ReadFile(filepath.Join(committed, "04-retries", "starter", "storm.txt")); string(data) != "client |====|\n" {
		t.Errorf("got %q, want the starter's picture", data)
	}
	for _, l := range lessons {
		if p, err := Compare(fresh, committed, "slides/timelines", l); err != nil || len(p) != 0 {
			t.Errorf("%s after Replace: got %q, %v; want no difference", l, p, err)
		}
	}
}

func TestCompareSaysWhatIsMissingExtraOrChanged(t *testing.T) {
	fresh := t.TempDir()
	if err := Generate(context.Background(), fakeRun(drawn), []string{"04-retries"}, fresh); err != nil {
		t.Fatal(err)
	}
	committed := testkit.Tree(t, map[string]string{
		"04-retries/starter/storm.txt":  "client |==|\n",
		"04-retries/starter/old.txt":    "x\n",
		"04-retries/solution/storm.txt": "client |=|\n",
	})
	got, err := Compare(fresh, committed, "slides/timelines", "04-retries")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`slides/timelines/04-retries/starter/old.txt: no test draws it any more`,
		`slides/timelines/04-retries/starter/storm.txt is not what the tests draw now: line 1 is "client |==|", the tests draw "client |====|"`,
		`slides/timelines/04-retries/solution/budget.txt is missing: the tests draw it`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestGenerateSaysWhichRunCouldNotHappen(t *testing.T) {
	broken := func(_ context.Context, lesson, variant, _ string) error {
		if variant == "solution" {
			return errors.New("no go command")
		}
		return nil
	}
	err := Generate(context.Background(), broken, []string{"04-retries"}, t.TempDir())
	if err == nil || err.Error() != "04-retries, solution: no go command" {
		t.Errorf("got %v, want the lesson and the variant named", err)
	}
}

func TestDrawsLooksForKeepInTheTestFiles(t *testing.T) {
	dir := testkit.Tree(t, map[string]string{
		"a/retry.go":      "package a // timeline.Keep( in a non-test file does not count\n",
		"a/retry_test.go": "package a\n",
		"b/x_test.go":     "package b\n\nfunc TestX(t *testing.T) { timeline.Keep(t, \"x\", pic) }\n",
	})
	for _, c := range []struct {
		dir  string
		want bool
	}{{"a", false}, {"b", true}} {
		got, err := Draws(filepath.Join(dir, c.dir))
		if err != nil || got != c.want {
			t.Errorf("Draws(%s) = %v, %v; want %v", c.dir, got, err, c.want)
		}
	}
	if _, err := Draws(filepath.Join(dir, "none")); err == nil {
		t.Error("Draws of a missing folder: want an error")
	}
}

func tree(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
