// Package mermaid lints the Mermaid sequence diagrams of a lesson README
// for the mistakes that make GitHub's renderer (Mermaid itself) show an
// error box instead of the diagram, or draw a label past its box.
//
// Mermaid's sequence grammar reads the text after a message's or a note's
// colon up to the first `;`, `#` or line end: a `;` ends the statement, so
// the rest of the line is parsed as a new one and the diagram fails, and a
// `#` starts an entity code (`#59;`). A lone `"` opens a string that never
// closes. The lint is deliberately small: it knows the statements the
// lessons use and reports, per README line, what would go wrong. The
// maintainers' renderer (.ci/diagrams) is the full proof; this catches the
// known pitfalls on every verify, without a browser.
package mermaid

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Label limits, in characters. Mermaid sizes a participant's box and a
// note over one participant to the text's width as it measures it, but
// Chromium draws the text a little wider, and the excess grows with the
// length, so a long label runs past its box. Calibrated by rendering with
// Mermaid 11.17.2 (mermaid-cli 11.17.0, Chromium 156, default theme, PNG at
// scale 2) the lesson diagrams and test labels of growing length:
//
//   - participant labels: 20 characters ("Caller (1s deadline)") sit inside
//     the default box with room to spare; from 22 ("Clients (one a
//     second)") to 29 the box grows to the text and the text touches its
//     border; from 30 ("Dependency (dead 2s, an error)") the text runs
//     past it, and at 36 ("Dependency (dead: 2s, then an error)", lesson
//     05) by a few pixels on each side.
//   - notes: 41 characters (lesson 00's "waits forever: a leak that
//     goleak reports") sit inside with a little room; 42 (lesson 08's
//     "0.95s: full (two in, one out, every 100ms)") touch the border; from
//     43 the text runs past it, 48 (lesson 05's "7s: the 6th failure in a
//     row (more than 5): open") by a few pixels, 55 (lesson 04's last
//     note) by a whole character a side.
//
// A note over two participants is as wide as the span between their
// lifelines, whatever its text: keep those short too.
const (
	MaxLabel = 28
	MaxNote  = 41
)

// Problem is one line of a diagram that would not render as written.
type Problem struct {
	Line int    // line in the README, from 1
	Text string // the statement, trimmed
	Why  string // what goes wrong, and what to write instead
}

func (p Problem) String() string {
	return fmt.Sprintf("line %d: `%s`: %s", p.Line, p.Text, p.Why)
}

var (
	fenceOpenRE = regexp.MustCompile("^ {0,3}(```+|~~~+)\\s*mermaid\\b")
	// participant A as A label; actor B
	participantRE = regexp.MustCompile(`^(?:participant|actor)\s+(\S+)(?:\s+as\s+(.*))?$`)
	// Note over A,B: text; Note left of A: text
	noteRE = regexp.MustCompile(`(?i)^note\s+(?:left of|right of|over)\s+[^:]*:(.*)$`)
	// A->>B: text, with every arrow Mermaid knows (->, -->, ->>, -->>,
	// -x, --x, -), --), <<->>, <<-->>) and optional activation marks.
	messageRE = regexp.MustCompile(`^[^:]*?\s*(?:<<)?--?(?:>>|>|x|\))\s*[+-]?[^:]*:(.*)$`)
	// alt text, else text, loop text… (rect takes a colour, not text)
	blockRE = regexp.MustCompile(`^(?:alt|else|opt|loop|par|and|critical|option|break)\b(.*)$`)
)

// Lint checks every ```mermaid block of a README that holds a
// sequenceDiagram and returns the problems in line order.
func Lint(readme string) []Problem {
	var out []Problem
	lines := strings.Split(strings.ReplaceAll(readme, "\r\n", "\n"), "\n")
	for i := 0; i < len(lines); i++ {
		m := fenceOpenRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		marker := m[1]
		start := i + 1
		end := start
		for end < len(lines) && !isFenceClose(lines[end], marker) {
			end++
		}
		out = append(out, lintBlock(lines[start:end], start+1)...)
		i = end
	}
	return out
}

func isFenceClose(line, marker string) bool {
	t := strings.TrimSpace(line)
	return strings.HasPrefix(t, marker) && strings.Trim(t, marker[:1]) == ""
}

// lintBlock lints the lines of one diagram; first is the README line
// number of body[0].
func lintBlock(body []string, first int) []Problem {
	var out []Problem
	sequence := false
	for i, raw := range body {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "%%") {
			continue
		}
		if !sequence {
			if line != "sequenceDiagram" {
				return nil // another kind of diagram: its grammar differs
			}
			sequence = true
			continue
		}
		n := first + i
		add := func(why string) { out = append(out, Problem{Line: n, Text: line, Why: why}) }
		if m := participantRE.FindStringSubmatch(line); m != nil {
			label := m[1]
			if m[2] != "" {
				label = strings.TrimSpace(m[2])
			}
			for _, why := range textProblems(label) {
				add(why)
			}
			if c := utf8.RuneCountInString(label); c > MaxLabel {
				add(fmt.Sprintf("the participant label %q has %d characters; longer than %d runs past its box: shorten it and say the rest in a note or the text", label, c, MaxLabel))
			}
			continue
		}
		var text string
		switch {
		case noteRE.MatchString(line):
			text = noteRE.FindStringSubmatch(line)[1]
		case blockRE.MatchString(line):
			text = blockRE.FindStringSubmatch(line)[1]
		case messageRE.MatchString(line):
			text = messageRE.FindStringSubmatch(line)[1]
		default:
			if strings.Contains(line, ";") {
				add(semicolon)
			}
			continue
		}
		for _, why := range textProblems(text) {
			add(why)
		}
		if c := utf8.RuneCountInString(strings.TrimSpace(text)); c > MaxNote && noteRE.MatchString(line) {
			add(fmt.Sprintf("the note has %d characters; longer than %d runs past its box: shorten it, or split it into two notes", c, MaxNote))
		}
	}
	return out
}

const semicolon = "`;` ends a statement in Mermaid's sequence grammar, so the rest of the line is read as a new statement and the diagram fails to render: write a comma, a colon or \"and\""

// textProblems checks one piece of text: a message, a note, a label.
func textProblems(text string) []string {
	var p []string
	if strings.Contains(text, ";") {
		p = append(p, semicolon)
	}
	if strings.Contains(text, "#") {
		p = append(p, "`#` starts an entity code in Mermaid (`#59;`) and ends the text: write the words out (\"number 3\", \"no. 3\")")
	}
	if strings.Count(text, `"`)%2 != 0 {
		p = append(p, "an unbalanced `\"`: Mermaid reads a string that never closes; close the quote or drop it")
	}
	if strings.Count(text, "“") != strings.Count(text, "”") {
		p = append(p, "unbalanced curly quotes (“ ”): close the quote or drop it")
	}
	return p
}
