package firstfail

import (
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/testjson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

// run builds a package's result from "TestName status" pairs, in the
// order the tests started, as `go test -json` reports them.
func run(t *testing.T, tests ...string) *testjson.Package {
	t.Helper()
	var stream strings.Builder
	for _, ts := range tests {
		name, status, _ := strings.Cut(ts, " ")
		stream.WriteString(`{"Action":"run","Package":"p","Test":"` + name + `"}` + "\n")
		if status != "none" {
			stream.WriteString(`{"Action":"` + status + `","Package":"p","Test":"` + name + `"}` + "\n")
		}
	}
	stream.WriteString(`{"Action":"fail","Package":"p"}` + "\n")
	r, err := testjson.Parse(strings.NewReader(stream.String()))
	if err != nil {
		t.Fatal(err)
	}
	return r.Package("p")
}

// Lesson 04 as shipped: budget_test.go sorts before retry_test.go, so
// exercise 4's budget tests run, and fail, first.
var lesson04 = map[string]int{
	"TestBackoffUsesFullJitter":            1,
	"TestDoGivesUpAtTheDeadline":           3,
	"TestBudgetStopsRetriesDuringAnOutage": 4,
	"TestBudgetRefillsAfterRecovery":       4,
}

func TestProblemsReportsALaterExerciseFailingFirst(t *testing.T) {
	p := run(t, "TestBudgetRefillsAfterRecovery pass", "TestBudgetStopsRetriesDuringAnOutage fail", "TestBackoffUsesFullJitter fail")
	testkit.Contains(t, strings.Join(Problems(p, lesson04, "go test ./lessons/04-retries/"), "\n"),
		"`go test ./lessons/04-retries/` shows exercise 4's TestBudgetStopsRetriesDuringAnOutage failing first",
		"(1 test passed before it)",
		"test files in name order",
	)
}

func TestProblemsAcceptsExerciseOneFirst(t *testing.T) {
	p := run(t, "TestBackoffUsesFullJitter fail", "TestBudgetStopsRetriesDuringAnOutage fail")
	if got := Problems(p, lesson04, "go test ./x/"); got != nil {
		t.Errorf("got %q, want nothing", got)
	}
	// Passing and skipped tests before it do not count as failures.
	p = run(t, "TestBudgetRefillsAfterRecovery pass", "TestDoGivesUpAtTheDeadline skip", "TestBackoffUsesFullJitter fail")
	if got := Problems(p, lesson04, "go test ./x/"); got != nil {
		t.Errorf("got %q, want nothing", got)
	}
}

func TestProblemsCountsACrashAsTheFirstFailure(t *testing.T) {
	// A test that started and never ended (a panic, a hang) is where the
	// learner's output stops.
	p := run(t, "TestDoGivesUpAtTheDeadline none")
	testkit.Contains(t, strings.Join(Problems(p, lesson04, "go test ./x/"), "\n"), "exercise 3's TestDoGivesUpAtTheDeadline failing first")
}

func TestProblemsNamesATestNoExerciseNames(t *testing.T) {
	p := run(t, "TestStray fail")
	testkit.Contains(t, strings.Join(Problems(p, lesson04, "go test ./x/"), "\n"), "a test no exercise names, TestStray failing first")
}

func TestFirstIsNilWhenEverythingPasses(t *testing.T) {
	if got := First(run(t, "TestA pass", "TestB skip")); got != nil {
		t.Errorf("got %s, want nil", got.Name)
	}
	if got := Problems(run(t, "TestA pass"), nil, "go test ./x/"); got != nil {
		t.Errorf("got %q, want nothing", got)
	}
}
