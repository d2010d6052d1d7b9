// Package exit ends the test binary with os.Exit(0).
package exit

import "os"

// Quit ends the program.
func Quit() { os.Exit(0) }
