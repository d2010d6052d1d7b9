package verify

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/wherewaiting/workshop/checker/internal/lesson"
	"github.com/wherewaiting/workshop/checker/internal/testkit"
)

func TestKnownCheckLetsAListedFailureThroughAndShowsIt(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{out: &buf, known: []string{"07-worker-pool: mermaid"}}
	r.knownCheck("07-worker-pool", checkMermaid, "07-worker-pool: diagrams", []string{"line 60: `;`"})
	r.knownCheck("08-backpressure", checkMermaid, "08-backpressure: diagrams", []string{"line 48: `;`"})
	r.knownSummary()
	testkit.Contains(t, buf.String(),
		"KNOWN 07-worker-pool: diagrams\n    line 60: `;`\n",
		"FAIL 08-backpressure: diagrams\n    line 48: `;`\n",
		"· 1 known failure allowed by knownFailures",
	)
	if r.passed != 0 || r.failed != 1 || r.allowed != 1 {
		t.Errorf("got %d passed, %d failed, %d allowed; want 0, 1, 1", r.passed, r.failed, r.allowed)
	}
}

func TestKnownCheckSaysWhenAnEntryCanGo(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{out: &buf, known: []string{"07-worker-pool: mermaid"}}
	r.knownCheck("07-worker-pool", checkMermaid, "07-worker-pool: diagrams", nil)
	testkit.Contains(t, buf.String(), "PASS 07-worker-pool: diagrams\n", `"07-worker-pool: mermaid" is in knownFailures but passed this run: delete the entry once it passes every time`)
	if r.passed != 1 || r.allowed != 0 {
		t.Errorf("got %d passed, %d allowed; want 1 and 0", r.passed, r.allowed)
	}
}

func TestKnownCheckWithoutAShortNameIsAnOrdinaryCheck(t *testing.T) {
	var buf bytes.Buffer
	r := &reporter{out: &buf, known: []string{"07-worker-pool: "}}
	r.knownCheck("07-worker-pool", "", "07-worker-pool: README has the required sections", []string{"no title"})
	if r.failed != 1 || r.allowed != 0 {
		t.Errorf("got %d failed, %d allowed; want 1 and 0:\n%s", r.failed, r.allowed, &buf)
	}
}

// Every entry names a lesson folder and one of the checks' short names,
// so a typo cannot silently excuse nothing.
func TestKnownFailuresNameRealChecks(t *testing.T) {
	for _, k := range knownFailures {
		name, short, ok := strings.Cut(k, ": ")
		if _, isLesson := lesson.ParseName(name); !ok || !isLesson || !slices.Contains(knownShorts, short) {
			t.Errorf("knownFailures entry %q: want \"NN-slug: check\" with a check among %q", k, knownShorts)
		}
	}
}

func TestDiagramProblemsNamesTheReadmeLine(t *testing.T) {
	text := "# 07 · Pool\n\n```mermaid\nsequenceDiagram\n    Note over P: never start; return\n```\n"
	got := diagramProblems("lessons/07-worker-pool/README.md", text)
	if len(got) != 2 || !strings.HasPrefix(got[0], "lessons/07-worker-pool/README.md:5: `Note over P: never start; return`: `;` ends a statement") {
		t.Errorf("got %q, want the README's file:line, the statement and why, then how to render", got)
	}
	if got := diagramProblems("README.md", "no diagram"); got != nil {
		t.Errorf("no diagram: got %q, want nothing", got)
	}
}
