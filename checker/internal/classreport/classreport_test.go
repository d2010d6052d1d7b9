package classreport

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wherewaiting/workshop/checker/internal/class"
	"github.com/wherewaiting/workshop/checker/internal/grade"
	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/lessonsrc"
	"github.com/wherewaiting/workshop/checker/internal/recorded"
)

// hostile is what a learner controls, made to break every format: a
// terminal escape, a new line that starts a fake report line, HTML, a
// Markdown table cell and link, a spreadsheet formula, a bidi override.
const hostile = "evil\x1b[2J\n  mallory  done done done\r<script>alert(1)</script>|x|[a](http://x)\u202e"

// classFixture is a small class with one copy of each kind the report
// shows: done, stuck, ahead, not graded, older version, tests changed, a
// lesson not in the copy, and hostile strings where a learner puts them.
func classFixture() class.Report {
	readme := func(title string, exercises ...string) lessonsrc.Readme {
		text := "# 00 · " + title + "\n\n## Exercises\n\n"
		for i, e := range exercises {
			text += string(rune('1'+i)) + ". **" + e + ".** Do it. Checked by `TestX`.\n"
		}
		return lessonsrc.ParseReadme(text)
	}
	lessons := []*lesson.Lesson{
		{ID: lesson.ID{Number: "00", Slug: "warmup"}, Readme: readme("Warm-up", "Stop waiting for a reader who left", "Count the visits")},
		{ID: lesson.ID{Number: "01", Slug: "blocking-chain"}, Readme: readme("The blocking chain", "Two queries, one after the other", "Count what is in flight")},
		{ID: lesson.ID{Number: "02", Slug: "deadlines"}, Readme: readme("Deadlines", "Propagate the deadline", "Give up on time", "Do not leak the abandoned call")},
	}
	done := func(n string) class.Lesson { return class.Lesson{Number: n, Verdict: grade.Done, Passed: 5, Total: 5} }
	notStarted := func(n string) class.Lesson {
		return class.Lesson{Number: n, Verdict: grade.NotStarted, Underlying: grade.TestsNotRun, Total: 7, Exercise: 1, Problem: "not started"}
	}
	failing := func(n string, passed, ex int, test, problem string) class.Lesson {
		return class.Lesson{Number: n, Verdict: grade.Failing, Passed: passed, Total: 7, Exercise: ex, Test: test, TestVerdict: grade.Fail, Problem: problem}
	}
	copies := []class.Copy{
		{Name: "ada", RaceChecked: true, Elapsed: 3 * time.Second, Lessons: []class.Lesson{done("00"), done("01"), done("02")}},
		{Name: "bo", RaceChecked: true, Elapsed: 2 * time.Second, Lessons: []class.Lesson{done("00"), done("01"),
			failing("02", 3, 2, "TestHandleGivesUpAtTheDeadline", "TestHandleGivesUpAtTheDeadline fails: the client waited 5s; give up at the deadline, 2s")}},
		{Name: "cy", RaceChecked: true, Elapsed: 2 * time.Second, Lessons: []class.Lesson{done("00"),
			{Number: "01", Verdict: grade.Hangs, Passed: 1, Total: 6, Exercise: 1, Test: "TestWaitsAddUp", TestVerdict: grade.Hang, Problem: "TestWaitsAddUp hangs: blocked on a channel receive at chain.go:40"},
			notStarted("02")}},
		{Name: hostile, RaceChecked: true, Elapsed: time.Second, Notes: []string{"lessons/00-warmup/" + hostile + "_test.go was added by the learner: left out"},
			Lessons: []class.Lesson{
				{Number: "00", Verdict: grade.Crashed, Passed: 2, Total: 5, Exercise: 2, Test: "TestVisits", TestVerdict: grade.Crash, Problem: "TestVisits crashes: panic: " + hostile, TestsChanged: true},
				notStarted("01"), notStarted("02")}},
		{Name: "dee", RaceChecked: true, Elapsed: time.Second, Lessons: []class.Lesson{
			{Number: "00", Verdict: grade.Done, Passed: 5, Total: 5, Older: true},
			{Number: "01", Verdict: grade.OlderVersion, Underlying: grade.NoCompile, Total: 6, Older: true, Problem: "its test files are from an older version of the workshop"},
			{Number: "02", Verdict: class.Missing}}},
		{Name: "=HYPERLINK(\"http://x\")", Problem: "broken go.mod (the learner's own go commands fail too): go.mod:3: unknown directive: requir"},
		{Name: "eve", RaceChecked: true, Elapsed: 2 * time.Second, Notes: []string{"lessons/01-blocking-chain/chain.go is a symbolic link out of the copy (to /etc/passwd): not followed, left out"},
			Lessons: []class.Lesson{done("00"),
				{Number: "01", Verdict: grade.NoCompile, Total: 6, Exercise: 1, Problem: "it does not compile: lessons/01-blocking-chain/service.go:12: undefined: Chain"},
				notStarted("02")}},
	}
	return class.NewReport(lessons, copies, false)
}

// Every format of the class report: compare with testdata/class.*, or
// rewrite them with go test -update.
func TestClassReportInEveryFormat(t *testing.T) {
	r := classFixture()
	for _, format := range Formats {
		var b bytes.Buffer
		if err := Write(&b, r, format); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		ext := map[string]string{"text": "txt"}[format]
		if ext == "" {
			ext = format
		}
		recorded.Golden(t, "class."+ext, b.Bytes())
	}
}

func TestLessonTotalsNameTheExerciseMostAreStuckOn(t *testing.T) {
	r := classFixture()
	want := []string{
		"5 of 6 done with 00; 1 stuck on exercise 2 'Count the visits'; 1 on an older version; 1 with tests changed",
		"2 of 6 done with 01; 2 stuck on exercise 1 'Two queries, one after the other'; 1 not started; 1 on an older version",
		"1 of 6 done with 02; 1 stuck on exercise 2 'Give up on time'; 3 not started; 1 without it in their copy",
	}
	for i, w := range want {
		if got := r.Sentence(i); got != w {
			t.Errorf("lesson %d: %q, want %q", i, got, w)
		}
	}
}

func TestTheStuckAndTheUngradedComeFirst(t *testing.T) {
	r := classFixture()
	var names []string
	for _, c := range r.Copies {
		names = append(names, Clean(c.Name))
	}
	got := strings.Join(names, ",")
	// Not graded first; then the stuck (the hostile copy, on 00, which 5 of
	// 6 have done); then by lessons done, then by tests passed where each is.
	want := "=HYPERLINK(\"http://x\")," + Clean(hostile) + ",dee,eve,cy,bo,ada"
	if got != want {
		t.Errorf("order:\n%s\nwant\n%s", got, want)
	}
}

func TestNoLearnerStringForgesALineOrMarkup(t *testing.T) {
	r := classFixture()
	for _, format := range Formats {
		var b bytes.Buffer
		if err := Write(&b, r, format); err != nil {
			t.Fatal(err)
		}
		out := b.String()
		for _, bad := range []string{"\x1b", "\r", "\u202e", "<script>", "\n  mallory"} {
			if (bad == "<script>" && (format == "text" || format == "csv")) || (bad == "\u202e" && format == "json") {
				continue // no markup in text or CSV; JSON keeps the name exact (it reads back below)
			}
			if strings.Contains(out, bad) {
				t.Errorf("%s output holds %q unescaped", format, bad)
			}
		}
		switch format {
		case "csv":
			rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for _, row := range rows {
				if len(row) != len(CSVHeader) {
					t.Errorf("csv row of %d fields, want %d: %q", len(row), len(CSVHeader), row)
				}
				for _, f := range row {
					if f != "" && strings.ContainsRune("=+-@", rune(f[0])) {
						t.Errorf("csv field %q would be read as a formula", f)
					}
				}
			}
		case "json":
			var doc JSONReport
			if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			found := false
			for _, l := range doc.Learners {
				found = found || l.Name == hostile
			}
			if !found {
				t.Errorf("json: the hostile name does not read back as it was")
			}
		case "md":
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "| ") && strings.Count(line, "|")-strings.Count(line, "\\|") != 7 {
					t.Errorf("md table row with a cell too many or too few: %s", line)
				}
			}
		case "text":
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "mallory") {
					t.Errorf("text: a forged line: %q", line)
				}
			}
		}
	}
}
