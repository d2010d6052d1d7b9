package watch

import (
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Wrap breaks the lines of a view that are wider than width at spaces, so
// that a narrow terminal does not split words: a continuation keeps the
// line's indentation, two spaces deeper. A word wider than the room left
// stays whole on a line of its own (a path, say). Colour codes take no
// room. A width below 20 leaves the view as it is.
func Wrap(view string, width int) string {
	if width < 20 {
		return view
	}
	var b strings.Builder
	for i, line := range strings.Split(view, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(wrapLine(line, width))
	}
	return b.String()
}

func wrapLine(line string, width int) string {
	if visible(line) <= width {
		return line
	}
	indent := len(line) - len(strings.TrimLeft(line, " "))
	pad := strings.Repeat(" ", min(indent+2, width/2))
	var b strings.Builder
	b.WriteString(line[:indent])
	col := indent
	first := true
	for _, word := range strings.Fields(line[indent:]) {
		w := visible(word)
		switch {
		case first:
		case col+1+w > width:
			b.WriteString("\n" + pad)
			col = len(pad)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += w
		first = false
	}
	return b.String()
}

// visible is how many columns s takes: its runes, less ANSI colour codes.
func visible(s string) int {
	n := 0
	for i := 0; i < len(s); {
		if s[i] == '\033' {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				break
			}
			i += j + 1
			continue
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n++
	}
	return n
}

// Width is the terminal's width in columns: $COLUMNS when set, else what
// the terminal says; 0 when unknown.
func Width(f *os.File) int {
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n > 0 {
		return n
	}
	return termWidth(f)
}
