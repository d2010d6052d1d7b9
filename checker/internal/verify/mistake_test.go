package verify

import (
	"slices"
	"strings"
	"testing"
)

func TestParseHeader(t *testing.T) {
	for _, c := range []struct {
		name    string
		src     string
		summary string
		caught  []string
		found   bool
		err     string
	}{
		{
			name:    "good",
			src:     "// Mistake: the result channel is unbuffered, so an abandoned worker blocks forever.\n// Caught by: TestA, TestB\n\npackage x\n",
			summary: "the result channel is unbuffered, so an abandoned worker blocks forever.",
			caught:  []string{"TestA", "TestB"}, found: true,
		},
		{
			name:    "among other comments, with a trailing period",
			src:     "// Copyright note.\n\n// Mistake: forgot ctx.Done().\n// It waits forever.\n// Caught by: TestA.\npackage x\n",
			summary: "forgot ctx.Done().", caught: []string{"TestA"}, found: true,
		},
		{
			name:    "with verdicts",
			src:     "// Mistake: reads without the lock.\n// Caught by: TestA, TestB (race), TestC (leak).\npackage x\n",
			summary: "reads without the lock.", caught: []string{"TestA", "TestB", "TestC"}, found: true,
		},
		{name: "unknown verdict", src: "// Mistake: something.\n// Caught by: TestA (slow)\npackage x\n", found: true, err: "verdict \"slow\""},
		{name: "no header", src: "// Package x does things.\npackage x\n"},
		{name: "after the package clause", src: "package x\n\n// Mistake: late.\n// Caught by: TestA\n"},
		{name: "no caught by", src: "// Mistake: something.\npackage x\n", found: true, err: "no \"// Caught by"},
		{name: "no mistake", src: "// Caught by: TestA\npackage x\n", found: true, err: "no \"// Mistake"},
		{name: "empty caught by", src: "// Mistake: something.\n// Caught by:\npackage x\n", found: true, err: "names no test"},
		{name: "not a test name", src: "// Mistake: something.\n// Caught by: TestA and TestB\npackage x\n", found: true, err: "not a test name"},
		{name: "empty mistake", src: "// Mistake:\n// Caught by: TestA\npackage x\n", found: true, err: "is empty"},
	} {
		t.Run(c.name, func(t *testing.T) {
			summary, caught, found, err := parseHeader(c.src)
			if found != c.found {
				t.Errorf("got found %v, want %v", found, c.found)
			}
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("got error %v, want one mentioning %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if summary != c.summary || !slices.Equal(caught, c.caught) {
				t.Errorf("got %q caught by %q, want %q caught by %q", summary, caught, c.summary, c.caught)
			}
		})
	}
}

func TestLoadMistakeChecksNameFilesHeaderAndTests(t *testing.T) {
	const header = "// Mistake: it is wrong.\n// Caught by: TestEcho\npackage echo\n"
	const m = "solutions/01-echo/testdata/mistakes/"
	l := smallLesson(t, map[string]string{
		m + "good-one/echo.go":     header,
		m + "good-one/twice.go":    "package echo\n", // no header: fine, one file has it
		m + "Bad_Name/echo.go":     header,
		m + "stray-file/other.go":  header,
		m + "no-header/echo.go":    "package echo\n",
		m + "unknown-test/echo.go": "// Mistake: it is wrong.\n// Caught by: TestEcho, TestGhost\npackage echo\n",
		m + "empty/README.md":      "nothing to see",
	})
	for _, c := range []struct {
		dir  string
		want string // "" for no problem
	}{
		{"good-one", ""},
		{"Bad_Name", "not kebab-case"},
		{"stray-file", "other.go is not one of the lesson's files"},
		{"no-header", "no file starts with the header"},
		{"unknown-test", "Caught by names TestGhost, which is not a test"},
		{"empty", "holds no .go file"},
	} {
		t.Run(c.dir, func(t *testing.T) {
			mk, problems := loadMistake(l, c.dir)
			got := strings.Join(problems, "\n")
			if c.want == "" {
				if got != "" {
					t.Errorf("got problems %q, want none", got)
				}
				if !slices.Equal(mk.Files, []string{"echo.go", "twice.go"}) || !slices.Equal(mk.CaughtBy, []string{"TestEcho"}) {
					t.Errorf("got files %q caught by %q, want both files, caught by TestEcho", mk.Files, mk.CaughtBy)
				}
				return
			}
			if !strings.Contains(got, c.want) {
				t.Errorf("got problems %q, want one mentioning %q", got, c.want)
			}
		})
	}
}

func TestBatchMistakesPutsTheKthMistakeOfEachLessonTogether(t *testing.T) {
	a, b, c := &lesson{}, &lesson{}, &lesson{}
	mk := func(l *lesson, name string) *mistake { return &mistake{Lesson: l, Name: name} }
	byLesson := [][]*mistake{
		{mk(a, "a1"), mk(a, "a2"), mk(a, "a3")},
		{},
		{mk(c, "c1"), mk(c, "c2"), mk(c, "c3"), mk(c, "c4")},
		{mk(b, "b1")},
	}
	var got [][]string
	for _, batch := range batchMistakes(byLesson) {
		var names []string
		seen := map[*lesson]bool{}
		for _, m := range batch {
			if seen[m.Lesson] {
				t.Errorf("a batch holds two mistakes of one lesson: %s", m.Name)
			}
			seen[m.Lesson] = true
			names = append(names, m.Name)
		}
		got = append(got, names)
	}
	want := [][]string{{"a1", "c1", "b1"}, {"a2", "c2"}, {"a3", "c3"}, {"c4"}}
	if len(got) != len(want) {
		t.Fatalf("got %d batches %q, want %d: %q", len(got), got, len(want), want)
	}
	for i := range want {
		if !slices.Equal(got[i], want[i]) {
			t.Errorf("batch %d: got %q, want %q", i+1, got[i], want[i])
		}
	}
}
