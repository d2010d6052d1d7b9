// Package ansi holds the terminal escape codes the checker writes, in one
// place. Callers decide whether colour is wanted (a terminal, no NO_COLOR);
// Paint leaves text plain when it is not.
package ansi

// Select Graphic Rendition codes.
const (
	Reset  = "\x1b[0m"
	Bold   = "\x1b[1m"
	Dim    = "\x1b[2m"
	Red    = "\x1b[31m"
	Green  = "\x1b[32m"
	Yellow = "\x1b[33m"
	Cyan   = "\x1b[36m"
)

// ClearScreen moves the cursor to the top left and erases the screen.
const ClearScreen = "\x1b[H\x1b[2J"

// ClearLine returns the cursor to the start of the line and erases it.
const ClearLine = "\r\x1b[K"

// Paint wraps s in code and Reset when on is true; otherwise, or when s is
// empty, it returns s unchanged.
func Paint(on bool, code, s string) string {
	if !on || s == "" {
		return s
	}
	return code + s + Reset
}
