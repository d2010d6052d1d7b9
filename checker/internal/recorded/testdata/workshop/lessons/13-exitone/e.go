// Package exitone ends the test binary with log.Fatal, which leaves no
// panic to read.
package exitone

import "log"

// Load gives up.
func Load() { log.Fatal("cannot load the configuration") }
