package lessonsrc

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Readme is a lesson's README.md, split into the parts the checker reads.
// It knows just enough Markdown for that: a "#" inside a code block is not
// a heading.
type Readme struct {
	// Text is the README as written, for checks that name its lines.
	Text string
	// Title is what follows "# NN · " in the first level-1 heading of that
	// form ("." ":" or "-" are taken for the dot too); "" when there is none.
	Title string
	// Headings are the level-1 and level-2 heading lines outside code
	// blocks, in order, with trailing space trimmed.
	Headings []string
	// Sections maps a level-2 heading line ("## Hints") to the lines under
	// it, up to the next level-1 or level-2 heading.
	Sections map[string][]string
	// Fences are the fenced code blocks, in order.
	Fences []Fence
	// Exercises is the numbered list under "## Exercises", in order.
	Exercises []Exercise
}

// Fence is one fenced code block.
type Fence struct {
	Info string // the first word after the fence marker: "mermaid", "sh"
	Body string // the lines between the markers
}

// Exercise is one item of the numbered list under "## Exercises".
type Exercise struct {
	N     int      // the number the item is written with
	Tests []string // Test names in backticks, in order, without repeats
	// Title is the item's bold lead, without its full stop: "Stop the
	// storm" for "1. **Stop the storm.** Make at most …"; "" without one.
	Title string
}

// ExercisesHeading is the heading of the section that lists the exercises.
const ExercisesHeading = "## Exercises"

// ReadReadme reads and parses dir/README.md. A missing README gives an
// empty result.
func ReadReadme(dir string) Readme {
	data, err := os.ReadFile(filepath.Join(dir, "README.md"))
	if err != nil {
		return Readme{Sections: map[string][]string{}}
	}
	return ParseReadme(string(data))
}

var (
	fenceRE = regexp.MustCompile("^ {0,3}(```+|~~~+)\\s*([^`\\s]*)")
	titleRE = regexp.MustCompile(`^#\s+\d+\s*[·.:-]\s*(.+?)\s*$`)
)

// ParseReadme splits the text of a README into headings, sections, code
// blocks and exercises.
func ParseReadme(text string) Readme {
	rd := Readme{Text: text, Sections: map[string][]string{}}
	var (
		section   string
		inFence   string // the fence marker while inside a code block
		fenceInfo string
		body      []string
	)
	addLine := func(line string) {
		if section != "" {
			rd.Sections[section] = append(rd.Sections[section], line)
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if inFence != "" {
			if strings.HasPrefix(strings.TrimSpace(line), inFence) && strings.Trim(strings.TrimSpace(line), inFence[:1]) == "" {
				rd.Fences = append(rd.Fences, Fence{Info: fenceInfo, Body: strings.Join(body, "\n")})
				inFence, body = "", nil
			} else {
				body = append(body, line)
			}
			addLine(line)
			continue
		}
		if m := fenceRE.FindStringSubmatch(line); m != nil {
			inFence, fenceInfo = m[1], m[2]
			addLine(line)
			continue
		}
		trimmed := strings.TrimRight(line, " \t")
		if strings.HasPrefix(trimmed, "# ") || strings.HasPrefix(trimmed, "## ") {
			rd.Headings = append(rd.Headings, trimmed)
			section = ""
			if strings.HasPrefix(trimmed, "## ") {
				section = trimmed
				if _, dup := rd.Sections[section]; !dup {
					rd.Sections[section] = []string{}
				}
			} else if m := titleRE.FindStringSubmatch(trimmed); m != nil && rd.Title == "" {
				rd.Title = m[1]
			}
			continue
		}
		addLine(line)
	}
	if inFence != "" {
		rd.Fences = append(rd.Fences, Fence{Info: fenceInfo, Body: strings.Join(body, "\n")})
	}
	rd.Exercises = parseExercises(rd.Sections[ExercisesHeading])
	return rd
}

var (
	itemRE     = regexp.MustCompile(`^ {0,3}(\d+)[.)](?:\s+|$)`)
	leadRE     = regexp.MustCompile(`^ {0,3}\d+[.)]\s+\*\*(.+?)\*\*`)
	backtickRE = regexp.MustCompile("`([^`]+)`")
	testNameRE = regexp.MustCompile(`\bTest[A-Z0-9_]\w*`)
)

// parseExercises reads the numbered list of the exercises section. An item
// runs until the next item; indented lines and sub-lists belong to it. A
// test counts when it is named inside backticks, alone (`TestX`) or in a
// command (`go test -run TestX`).
func parseExercises(lines []string) []Exercise {
	var out []Exercise
	for _, line := range lines {
		if m := itemRE.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			e := Exercise{N: n}
			if lead := leadRE.FindStringSubmatch(line); lead != nil {
				e.Title = strings.TrimRight(strings.TrimSpace(lead[1]), ".:")
			}
			out = append(out, e)
		}
		if len(out) == 0 {
			continue
		}
		cur := &out[len(out)-1]
		for _, span := range backtickRE.FindAllStringSubmatch(line, -1) {
			for _, name := range testNameRE.FindAllString(span[1], -1) {
				if !slices.Contains(cur.Tests, name) {
					cur.Tests = append(cur.Tests, name)
				}
			}
		}
	}
	return out
}

// ExerciseOf maps each test the exercises name to the number of the first
// exercise that names it.
func (rd Readme) ExerciseOf() map[string]int {
	out := map[string]int{}
	for _, e := range rd.Exercises {
		for _, t := range e.Tests {
			if _, seen := out[t]; !seen {
				out[t] = e.N
			}
		}
	}
	return out
}

// Section returns the text under a level-2 heading ("## Hints"), and
// whether the README has that heading at all.
func (rd Readme) Section(heading string) (string, bool) {
	lines, ok := rd.Sections[heading]
	return strings.Join(lines, "\n"), ok
}

// HasMermaid reports whether a ```mermaid block holds a diagram of the
// given type, such as "sequenceDiagram".
func (rd Readme) HasMermaid(diagram string) bool {
	for _, f := range rd.Fences {
		if f.Info == "mermaid" && strings.Contains(f.Body, diagram) {
			return true
		}
	}
	return false
}

var (
	linkRE    = regexp.MustCompile(`\[[^\]]+\]\([^)\s]+\)|<https?://[^>]+>|https?://\S+`)
	detailsRE = regexp.MustCompile(`(?i)<details\b`)
)

// HasLink reports whether Markdown text holds a link: [text](url), <url>
// or a bare http(s) address.
func HasLink(text string) bool { return linkRE.MatchString(text) }

// HasDetails reports whether Markdown text holds a collapsed
// <details> block.
func HasDetails(text string) bool { return detailsRE.MatchString(text) }
