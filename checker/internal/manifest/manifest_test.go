package manifest

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// writeLesson makes root/lessons/<name> with the given files.
func writeLesson(t *testing.T, root, name string, files map[string]string) {
	t.Helper()
	dir := filepath.Join(root, "lessons", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for f, content := range files {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func shippedCopy(t *testing.T) (root string, shipped Manifest) {
	t.Helper()
	root = t.TempDir()
	writeLesson(t, root, "01-blocking-chain", map[string]string{
		"chain.go":      "package chain\n",
		"chain_test.go": "package chain\n\nfunc TestA(t *testing.T) {}\n",
		"more_test.go":  "package chain\n",
		"README.md":     "# 01 · The blocking chain\n",
	})
	writeLesson(t, root, "02-deadlines", map[string]string{
		"deadlines.go":      "package deadlines\n",
		"deadlines_test.go": "package deadlines\n",
	})
	m, err := Compute(root)
	if err != nil {
		t.Fatal(err)
	}
	return root, m
}

func TestComputeListsGoFilesOfEveryLesson(t *testing.T) {
	_, m := shippedCopy(t)
	var tests, starters []string
	for p := range m.Tests {
		tests = append(tests, p)
	}
	for p := range m.Starters {
		starters = append(starters, p)
	}
	wantTests := []string{"lessons/01-blocking-chain/chain_test.go", "lessons/01-blocking-chain/more_test.go", "lessons/02-deadlines/deadlines_test.go"}
	wantStarters := []string{"lessons/01-blocking-chain/chain.go", "lessons/02-deadlines/deadlines.go"}
	if !sameSet(tests, wantTests) {
		t.Errorf("tests = %v, want %v", tests, wantTests)
	}
	if !sameSet(starters, wantStarters) {
		t.Errorf("starters = %v, want %v", starters, wantStarters)
	}
}

func sameSet(a, b []string) bool {
	set := map[string]bool{}
	for _, x := range a {
		set[x] = true
	}
	if len(set) != len(b) || len(a) != len(b) {
		return false
	}
	for _, x := range b {
		if !set[x] {
			return false
		}
	}
	return true
}

func TestBytesAndParseRoundTrip(t *testing.T) {
	_, m := shippedCopy(t)
	data := m.Bytes()
	back, err := Parse(data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if !reflect.DeepEqual(back, m) {
		t.Errorf("Parse(Bytes()) = %+v, want %+v", back, m)
	}
	if string(back.Bytes()) != string(data) {
		t.Errorf("Bytes is not stable:\n%s\nthen\n%s", data, back.Bytes())
	}
	want := Sum([]byte("package chain\n")) + "  lessons/01-blocking-chain/chain.go"
	if !strings.Contains(string(data), "starter "+want+"\n") {
		t.Errorf("manifest lacks starter line %q:\n%s", "starter "+want, data)
	}
}

func TestParseRejectsBrokenLines(t *testing.T) {
	for _, bad := range []string{
		"abc  lessons/x_test.go\n",
		strings.Repeat("z", 64) + "  lessons/x_test.go\n",
		strings.Repeat("a", 64) + " lessons/x_test.go\n",
	} {
		if _, err := Parse([]byte(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded, want an error", bad)
		}
	}
}

func TestCompare(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, dir string)
		want   Diff
	}{
		{"untouched", func(*testing.T, string) {}, Diff{Known: true, StarterUntouched: true}},
		{"starter edited", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "chain.go"), "package chain\n\nfunc F() {}\n")
		}, Diff{Known: true}},
		{"starter file added", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "helper.go"), "package chain\n")
		}, Diff{Known: true}},
		{"README edited", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "README.md"), "notes\n")
		}, Diff{Known: true, StarterUntouched: true}},
		{"test changed", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "chain_test.go"), "package chain\n")
		}, Diff{Known: true, StarterUntouched: true, Changed: []string{"lessons/01-blocking-chain/chain_test.go"}}},
		{"test deleted, test added", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, "more_test.go")); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(dir, "mine_test.go"), "package chain\n")
		}, Diff{Known: true, StarterUntouched: true,
			Missing: []string{"lessons/01-blocking-chain/more_test.go"},
			Extra:   []string{"lessons/01-blocking-chain/mine_test.go"}}},
		{"CRLF line endings", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "chain_test.go"), "package chain\r\n\r\nfunc TestA(t *testing.T) {}\r\n")
		}, Diff{Known: true, StarterUntouched: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root, shipped := shippedCopy(t)
			tc.change(t, filepath.Join(root, "lessons", "01-blocking-chain"))
			current, err := Compute(root)
			if err != nil {
				t.Fatal(err)
			}
			got := shipped.Compare(current, "lessons/01-blocking-chain")
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Compare = %+v, want %+v", got, tc.want)
			}
			if got.TestsChanged() != (len(tc.want.Changed)+len(tc.want.Missing)+len(tc.want.Extra) > 0) {
				t.Errorf("TestsChanged() = %v for %+v", got.TestsChanged(), got)
			}
			// The other lesson is never affected.
			if other := shipped.Compare(current, "lessons/02-deadlines"); other.TestsChanged() || !other.StarterUntouched {
				t.Errorf("other lesson: %+v, want untouched", other)
			}
		})
	}
}

func TestCompareUnknownLesson(t *testing.T) {
	root, shipped := shippedCopy(t)
	writeLesson(t, root, "03-fan-out", map[string]string{"fan_test.go": "package fan\n"})
	current, err := Compute(root)
	if err != nil {
		t.Fatal(err)
	}
	if got := shipped.Compare(current, "lessons/03-fan-out"); got.Known || got.TestsChanged() {
		t.Errorf("Compare = %+v, want an unknown lesson with no changes reported", got)
	}
}

func TestRestorableListsChangedAndMissing(t *testing.T) {
	d := Diff{Changed: []string{"b_test.go"}, Missing: []string{"a_test.go"}, Extra: []string{"c_test.go"}}
	if got, want := d.Restorable(), []string{"a_test.go", "b_test.go"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Restorable() = %v, want %v", got, want)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestKeepCarriesEveryEarlierReleaseForward(t *testing.T) {
	first := New()
	first.Tests["lessons/04-retries/retry_test.go"] = Sum([]byte("retry v1"))
	first.Tests["lessons/04-retries/budget_test.go"] = Sum([]byte("budget v1"))
	first.Starters["lessons/04-retries/retry.go"] = Sum([]byte("starter v1"))

	// Release 2 changes retry_test.go and renames budget_test.go.
	second := New()
	second.Tests["lessons/04-retries/retry_test.go"] = Sum([]byte("retry v2"))
	second.Tests["lessons/04-retries/window_test.go"] = Sum([]byte("budget v2"))
	second = second.Keep(first)
	// Release 3 changes retry_test.go back to what release 1 had.
	third := New()
	third.Tests["lessons/04-retries/retry_test.go"] = Sum([]byte("retry v1"))
	third.Tests["lessons/04-retries/window_test.go"] = Sum([]byte("budget v2"))
	third = third.Keep(second)

	want := map[string][]string{
		"lessons/04-retries/budget_test.go": {Sum([]byte("budget v1"))},
		"lessons/04-retries/retry_test.go":  {Sum([]byte("retry v2"))},
	}
	if !reflect.DeepEqual(third.Earlier, want) {
		t.Errorf("Earlier = %v, want %v", third.Earlier, want)
	}
	back, err := Parse(third.Bytes())
	if err != nil || !reflect.DeepEqual(back, third) {
		t.Errorf("Parse(Bytes()) = %+v, %v; want %+v", back, err, third)
	}
	if !strings.Contains(string(third.Bytes()), "earlier "+Sum([]byte("budget v1"))+"  lessons/04-retries/budget_test.go\n") {
		t.Errorf("manifest lacks the earlier line of the renamed file:\n%s", third.Bytes())
	}
}

func TestCompareTellsAnOlderReleaseFromAChange(t *testing.T) {
	shipped := New()
	shipped.Tests["lessons/04-retries/retry_test.go"] = Sum([]byte("retry v2"))
	shipped.Tests["lessons/04-retries/window_test.go"] = Sum([]byte("budget v2"))
	shipped.Starters["lessons/04-retries/retry.go"] = Sum([]byte("starter"))
	shipped.Earlier["lessons/04-retries/retry_test.go"] = []string{Sum([]byte("retry v1"))}
	shipped.Earlier["lessons/04-retries/budget_test.go"] = []string{Sum([]byte("budget v1"))}

	copyOf := func(files map[string]string) Manifest {
		m := New()
		m.Starters["lessons/04-retries/retry.go"] = Sum([]byte("starter"))
		for p, content := range files {
			m.Tests[p] = Sum([]byte(content))
		}
		return m
	}
	for _, c := range []struct {
		name              string
		files             map[string]string
		changed, outdated bool
		older             []string
	}{
		{"current", map[string]string{"lessons/04-retries/retry_test.go": "retry v2", "lessons/04-retries/window_test.go": "budget v2"}, false, false, nil},
		{"a copy of release 1", map[string]string{"lessons/04-retries/retry_test.go": "retry v1", "lessons/04-retries/budget_test.go": "budget v1"}, false, true,
			[]string{"lessons/04-retries/budget_test.go", "lessons/04-retries/retry_test.go"}},
		{"release 1, edited", map[string]string{"lessons/04-retries/retry_test.go": "retry v1 edited", "lessons/04-retries/budget_test.go": "budget v1"}, true, false,
			[]string{"lessons/04-retries/budget_test.go"}},
		{"a test deleted", map[string]string{"lessons/04-retries/retry_test.go": "retry v2"}, true, false, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			d := shipped.Compare(copyOf(c.files), "lessons/04-retries")
			if d.TestsChanged() != c.changed || d.Outdated() != c.outdated || !reflect.DeepEqual(d.Older, c.older) {
				t.Errorf("got %+v (changed %v, outdated %v); want changed %v, outdated %v, older %v", d, d.TestsChanged(), d.Outdated(), c.changed, c.outdated, c.older)
			}
		})
	}
}
