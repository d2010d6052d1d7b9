package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"
	"golang.org/x/sync/errgroup"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

// The grader and reporter GitHub Classroom's own workflows use.
const (
	commandGrader = "classroom-resources/autograding-command-grader@v1"
	reporter      = "classroom-resources/autograding-grading-reporter@v1"
)

type workflowStep struct {
	Name string            `yaml:"name"`
	ID   string            `yaml:"id"`
	Uses string            `yaml:"uses"`
	Run  string            `yaml:"run"`
	With map[string]string `yaml:"with"`
	Env  map[string]string `yaml:"env"`
}

// classroomWorkflow reads classroom/classroom.yml: its grading steps and
// its reporter.
func classroomWorkflow(t *testing.T, root string) (graders []workflowStep, report workflowStep) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, "classroom", "classroom.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Steps []workflowStep `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("classroom/classroom.yml: %v", err)
	}
	for _, job := range wf.Jobs {
		for _, s := range job.Steps {
			switch s.Uses {
			case commandGrader:
				graders = append(graders, s)
			case reporter:
				report = s
			}
		}
	}
	return graders, report
}

func workshopRoot(t *testing.T) string {
	t.Helper()
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	root, err := lesson.Root(cwd)
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// The workflow grades every lesson once, with the checker's -require, and
// reports every grading step's points.
func TestTheClassroomWorkflowGradesEveryLessonAndReportsEveryStep(t *testing.T) {
	root := workshopRoot(t)
	graders, report := classroomWorkflow(t, root)
	lessons, err := lesson.LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	var want, ids []string
	for _, l := range lessons {
		if !l.Draft {
			want = append(want, "go run ./checker -require "+l.Number)
		}
	}
	var got []string
	for _, g := range graders {
		got = append(got, g.With["command"])
		ids = append(ids, g.ID)
		if n, err := strconv.Atoi(g.With["max-score"]); err != nil || n <= 0 {
			t.Errorf("step %q: max-score %q, want points", g.Name, g.With["max-score"])
		}
		if g.With["test-name"] == "" || g.With["timeout"] == "" {
			t.Errorf("step %q: test-name and timeout are required by the grader", g.Name)
		}
		if report.Env[strings.ToUpper(g.ID)+"_RESULTS"] != "${{steps."+g.ID+".outputs.result}}" {
			t.Errorf("the reporter does not read the result of step %q", g.ID)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("grading commands:\n%s\nwant one per published lesson:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if report.With["runners"] != strings.Join(ids, ",") {
		t.Errorf("reporter runners = %q, want %q", report.With["runners"], strings.Join(ids, ","))
	}
}

// Each grading command of the workflow, run as the command grader runs it
// (in the learner's repository, with only PATH and HOME of the runner's
// environment), on a copy with every lesson solved and on a fresh copy:
// the points it would award.
func TestTheClassroomWorkflowAwardsEachLessonsPointsOnlyWhenItIsDone(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs every lesson of a solved copy")
	}
	root := workshopRoot(t)
	graders, _ := classroomWorkflow(t, root)
	bin := filepath.Join(t.TempDir(), "checker")
	build := exec.Command("go", "build", "-o", bin, "./checker")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./checker: %v\n%s", err, out)
	}
	solved, fresh := t.TempDir(), t.TempDir()
	testkit.WorkshopCopy(t, root, solved)
	testkit.WorkshopCopy(t, root, fresh)
	lessons, err := lesson.LoadAll(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lessons {
		if !l.Draft {
			testkit.Solve(t, root, solved, l.Name())
		}
	}
	// The grader gives the command PATH and HOME only; GOCACHE and
	// GOMODCACHE are passed too so that the test shares this machine's
	// caches, as a runner's steps share theirs.
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME")}
	for _, k := range []string{"GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "GORACE"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	points := func(dir string, g workflowStep) (int, string) {
		args := strings.Fields(g.With["command"])
		if len(args) < 3 || strings.Join(args[:3], " ") != "go run ./checker" {
			t.Fatalf("step %q: command %q does not run the checker", g.Name, g.With["command"])
		}
		cmd := exec.CommandContext(context.Background(), bin, args[3:]...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		switch {
		case err == nil:
			n, _ := strconv.Atoi(g.With["max-score"])
			return n, ""
		case errors.As(err, &exit) && exit.ExitCode() == 1:
			return 0, lastLine(string(out))
		}
		t.Errorf("step %q in %s: %v\n%s", g.Name, dir, err, out)
		return 0, ""
	}
	type row struct {
		solved, fresh int
		why           string
	}
	rows := make([]row, len(graders))
	var mu sync.Mutex
	// One at a time: each step has the learner's 10 s test timeout, and
	// steps that compete for the processor with one another on a busy
	// machine can hit it (lesson 09 hung so once at a load average of 70).
	var g errgroup.Group
	g.SetLimit(1)
	for i, step := range graders {
		g.Go(func() error {
			s, why := points(solved, step)
			f, freshWhy := points(fresh, step)
			mu.Lock()
			defer mu.Unlock()
			rows[i] = row{s, f, why + freshWhy}
			return nil
		})
	}
	_ = g.Wait()
	var table strings.Builder
	fmt.Fprintf(&table, "%-20s %8s %8s %8s\n", "step", "max", "solved", "fresh")
	totalMax, totalSolved, totalFresh := 0, 0, 0
	for i, step := range graders {
		max, _ := strconv.Atoi(step.With["max-score"])
		r := rows[i]
		fmt.Fprintf(&table, "%-20s %8d %8d %8d\n", step.With["test-name"], max, r.solved, r.fresh)
		totalMax, totalSolved, totalFresh = totalMax+max, totalSolved+r.solved, totalFresh+r.fresh
		if r.solved != max || r.fresh != 0 {
			t.Errorf("%s: %d points solved, %d fresh; want %d and 0 (%s)", step.With["test-name"], r.solved, r.fresh, max, r.why)
		}
	}
	fmt.Fprintf(&table, "%-20s %8d %8d %8d\n", "total", totalMax, totalSolved, totalFresh)
	t.Logf("points the workflow awards:\n%s", table.String())
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}
