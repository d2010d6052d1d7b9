package failure

import (
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// testLogRE matches the "    file_test.go:12: message" line that t.Log,
// t.Error and testify print.
var testLogRE = regexp.MustCompile(`^ {4}(\S+\.go):(\d+): ?(.*)$`)

type logLine struct {
	file string
	line int
	text string
}

// testLogLine reads a line that testLogRE matches.
func testLogLine(s string) (logLine, bool) {
	m := testLogRE.FindStringSubmatch(clean(s))
	if m == nil {
		return logLine{}, false
	}
	n, err := strconv.Atoi(m[2])
	if err != nil {
		return logLine{}, false
	}
	return logLine{file: m[1], line: n, text: m[3]}, true
}

// testFrame turns a log line's bare file name into a lesson path.
func (p stackParser) testFrame(l logLine) *Frame {
	if !strings.HasSuffix(l.file, "_test.go") || strings.Contains(l.file, "/") {
		return nil
	}
	return &Frame{File: path.Join(p.ctx.LessonDir, l.file), Line: l.line}
}

// testifyRE matches a testify line: indentation, a tab, a label column
// (blank on continuation lines), a tab, the value.
var testifyRE = regexp.MustCompile(`^\s+\t([A-Za-z ]*?):?\s*\t(.*)$`)

// assertion keeps what testify and t.Error said, without testify's
// "Error Trace" and "Test" noise.
func (p stackParser) assertion(lines []string) Report {
	r := Report{Kind: Assertion}
	var label string
	var messages, firstError []string
	var said []string // testify's Messages block, which goes first in the details
	errorsSeen := 0
	for _, raw := range lines {
		l := clean(raw)
		if strings.HasPrefix(l, "=== ") || strings.HasPrefix(l, "--- ") {
			continue
		}
		if m := testifyRE.FindStringSubmatch(l); m != nil {
			if m[1] != "" {
				label = m[1]
				if label == "Error" {
					errorsSeen++
				}
			}
			if errorsSeen > 1 {
				// One failure at a time: the first assertion is the one to
				// fix; the rest are counted below.
				continue
			}
			switch label {
			case "Error Trace":
				if r.TestLine == nil {
					r.TestLine = p.traceFrame(m[2])
				}
			case "Test":
			case "Messages":
				said = append(said, labelled(m[1], m[2]))
				if m[1] != "" {
					messages = append(messages, strings.TrimSpace(m[2]))
				}
			default:
				r.Details = append(r.Details, labelled(m[1], clip(m[2])))
				if label == "Error" && errorsSeen == 1 {
					firstError = append(firstError, strings.TrimSpace(clip(m[2])))
				}
			}
			continue
		}
		if errorsSeen > 1 {
			continue
		}
		if ll, ok := testLogLine(l); ok {
			label = ""
			if r.TestLine == nil {
				r.TestLine = p.testFrame(ll)
			}
			if ll.text != "" {
				messages = append(messages, ll.text)
				r.Details = append(r.Details, ll.text)
			}
			continue
		}
		if strings.HasPrefix(l, "        ") && label == "" && len(r.Details) > 0 {
			r.Details = append(r.Details, strings.TrimPrefix(l, "        "))
		}
	}
	// What the test says, in words, before testify's raw values: a long
	// diff or dump would push it off the screen.
	r.Details = append(said, r.Details...)
	if errorsSeen > 1 {
		more := fmt.Sprintf("(and %d more failed assertions in this test)", errorsSeen-1)
		if errorsSeen == 2 {
			more = "(and 1 more failed assertion in this test)"
		}
		r.Details = append(r.Details, more)
	}
	switch {
	case len(messages) > 0:
		r.Headline = messages[0]
	case len(firstError) > 0:
		r.Headline = errorSentence(firstError)
	default:
		r.Kind = None
	}
	return r
}

// errorSentence condenses testify's Error block: "Not equal: expected: 3s,
// actual: 6s". A diff is left for the details.
func errorSentence(block []string) string {
	out := strings.TrimSpace(block[0])
	for _, l := range block[1:] {
		k, v, ok := strings.Cut(l, ":")
		k = strings.TrimSpace(k)
		if ok && (k == "expected" || k == "actual") {
			out += " " + k + ": " + strings.TrimSpace(v) + ","
		}
	}
	return strings.TrimSuffix(out, ",")
}

// maxValue is the most of one line of testify's raw values the details
// keep: "Should be empty, but was [...]" can print thousands of items on
// one line.
const maxValue = 400

// clip cuts a line of raw values to maxValue runes, saying how much
// was left out.
func clip(value string) string {
	r := []rune(value)
	if len(r) <= maxValue {
		return value
	}
	return fmt.Sprintf("%s… (%d more characters)", string(r[:maxValue]), len(r)-maxValue)
}

func labelled(label, value string) string {
	value = strings.TrimRight(value, " ")
	if label == "" {
		return "          " + value
	}
	return fmt.Sprintf("%-9s %s", label+":", value)
}

func (p stackParser) traceFrame(trace string) *Frame {
	first := strings.Fields(trace)
	if len(first) == 0 {
		return nil
	}
	file, line, ok := strings.Cut(first[0], ".go:")
	if !ok {
		return nil
	}
	n, err := strconv.Atoi(line)
	if err != nil {
		return nil
	}
	return &Frame{File: p.ctx.Rel(file + ".go"), Line: n}
}
