package mermaid

import (
	"strings"
	"testing"
)

// readme wraps diagram lines in a README: a title, a blank line, the fence,
// "sequenceDiagram", then the lines, so the first of them is line 5.
func readme(lines ...string) string {
	return "# 01 · Title\n\n```mermaid\nsequenceDiagram\n" + strings.Join(lines, "\n") + "\n```\n"
}

func TestLintReportsTheKnownPitfalls(t *testing.T) {
	for _, c := range []struct {
		name string
		line string
		want string // a word of the reason; "" for no problem
	}{
		// The two lines that kept lessons 07 and 08 from rendering.
		{"07's note", "    Note over P: jobs 3, 4, 5 never start; the workers return", "`;` ends a statement"},
		{"08's message", "    Q-->>C: accepted; it will wait exactly 1s, never more", "`;` ends a statement"},
		{"a hash in a message", "    C->>S: Submit job #6", "`#` starts an entity code"},
		{"a hash in a note", "    Note left of C: retry #2", "`#` starts an entity code"},
		{"a lone quote", `    S-->>C: "orders are down`, "unbalanced `\"`"},
		{"curly quotes", "    S-->>C: “orders are down", "unbalanced curly quotes"},
		{"a semicolon in an alt label", "    alt slow; fast", "`;` ends a statement"},
		{"a semicolon in a participant label", "    participant Q as Queue; bounded", "`;` ends a statement"},
		{"a semicolon in any other statement", "    activate S; deactivate S", "`;` ends a statement"},
		{"every arrow: ->", "    A->B: x;y", "`;`"},
		{"every arrow: -->", "    A-->B: x;y", "`;`"},
		{"every arrow: -x", "    A-xB: x;y", "`;`"},
		{"every arrow: --x", "    A--xB: x;y", "`;`"},
		{"every arrow: -)", "    A-)B: x;y", "`;`"},
		{"every arrow: --)", "    A--)B: x;y", "`;`"},
		{"every arrow: <<->>", "    A<<->>B: x;y", "`;`"},
		{"activation marks", "    A->>+B: x;y", "`;`"},
		{"a long participant label", "    participant D as Dependency (dead: 2s, then an error)", "has 36 characters"},
		{"a long participant name", "    participant AVeryLongParticipantNameIndeed", "has 30 characters"},

		{"balanced quotes", `    P-->>S: "ada" (1s later)`, ""},
		{"colons and commas", "    S-->>C: error user 42, context deadline exceeded", ""},
		{"a label that fits", "    participant D as Database (ignores ctx, 5s)", ""},
		{"a note over two", "    Note over C,Q: waits in line for room...", ""},
		{"a comment", "    %% a comment; with # and \"", ""},
		{"end", "    end", ""},
		{"an arrow inside the text", "    C->>S: clients 1 to 6 (0s to 5s) -> all fail", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Lint(readme(c.line))
			if c.want == "" {
				if len(got) != 0 {
					t.Fatalf("got %v, want no problem", got)
				}
				return
			}
			for _, p := range got {
				if p.Line == 5 && p.Text == strings.TrimSpace(c.line) && strings.Contains(p.Why, c.want) {
					return
				}
			}
			t.Errorf("got %v, want a problem at line 5, quoting the statement, with a reason saying %q", got, c.want)
		})
	}
}

func TestLintGivesTheReadmeLineOfEachProblem(t *testing.T) {
	text := "# 07 · Pool\n\nSome text; with a semicolon outside the diagram.\n\n" +
		"```mermaid\nsequenceDiagram\n    participant P as Pool\n    P->>P: fine\n" +
		"    Note over P: jobs 3, 4, 5 never start; the workers return\n```\n\n" +
		"```go\nx := 1; y := 2\n```\n\n" +
		"~~~mermaid\nsequenceDiagram\n    Q-->>C: accepted; it will wait exactly 1s, never more\n~~~\n"
	got := Lint(text)
	if len(got) != 3 || got[0].Line != 9 || got[1].Line != 9 || got[2].Line != 18 {
		t.Fatalf("got %v, want problems at lines 9 (the semicolon, the length) and 18 only", got)
	}
	want := "line 9: `Note over P: jobs 3, 4, 5 never start; the workers return`: `;` ends a statement"
	if !strings.HasPrefix(got[0].String(), want) {
		t.Errorf("got %q, want it to start %q", got[0].String(), want)
	}
}

func TestLintReportsEveryProblemOfALine(t *testing.T) {
	got := Lint(readme(`    A->>B: "a; #b`))
	if len(got) != 3 {
		t.Fatalf("got %v, want three problems: the semicolon, the hash, the quote", got)
	}
}

func TestLintLeavesOtherDiagramsAlone(t *testing.T) {
	text := "```mermaid\nflowchart LR\n    A[x; y] --> B\n```\n"
	if got := Lint(text); len(got) != 0 {
		t.Errorf("got %v, want nothing: only sequence diagrams are linted", got)
	}
}

func TestLintReadsAnUnclosedFenceToTheEnd(t *testing.T) {
	got := Lint("```mermaid\nsequenceDiagram\n    A->>B: a; b\n")
	if len(got) != 1 || got[0].Line != 3 {
		t.Errorf("got %v, want one problem at line 3", got)
	}
}

func TestLintAcceptsWindowsLineEnds(t *testing.T) {
	got := Lint("```mermaid\r\nsequenceDiagram\r\n    A->>B: fine\r\n```\r\n")
	if len(got) != 0 {
		t.Errorf("got %v, want no problem", got)
	}
}

func TestLintMeasuresNotes(t *testing.T) {
	// Lesson 04's last note (55 characters) runs past its box.
	got := Lint(readme("    Note over R: next sleep 400ms would end at 1.15s, after the deadline"))
	// And lesson 07's, 44 characters, besides its semicolon.
	if got := Lint(readme("    Note over P: jobs 3, 4, 5 never start; the workers return")); len(got) != 2 || !strings.Contains(got[1].Why, "44 characters") {
		t.Errorf("got %v, want the semicolon and the length", got)
	}
	if len(got) != 1 || !strings.Contains(got[0].Why, "the note has 55 characters") {
		t.Errorf("got %v, want the note reported as 55 characters long", got)
	}
	fits := "    Note over A: " + strings.Repeat("x", MaxNote)
	if got := Lint(readme(fits)); len(got) != 0 {
		t.Errorf("a note of %d characters: got %v, want no problem", MaxNote, got)
	}
	if got := Lint(readme(fits + "x")); len(got) != 1 {
		t.Errorf("a note of %d characters: got %v, want one problem", MaxNote+1, got)
	}
}

func TestLintMeasuresLabelsInCharactersNotBytes(t *testing.T) {
	label := strings.Repeat("é", MaxLabel)
	if got := Lint(readme("    participant A as " + label)); len(got) != 0 {
		t.Errorf("%d two-byte characters: got %v, want no problem", MaxLabel, got)
	}
	if got := Lint(readme("    participant A as " + label + "é")); len(got) != 1 {
		t.Errorf("%d characters: got %v, want one problem", MaxLabel+1, got)
	}
}
