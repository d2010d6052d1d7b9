// Package inithang waits, while it initialises, for something that never
// comes: no test can start, and -timeout, which starts with the tests,
// never fires.
package inithang

import "time"

// ready is set when the package is initialised: never.
var ready = warmUp()

// warmUp polls for a warm cache that nothing fills.
func warmUp() bool {
	for !warm() {
		time.Sleep(100 * time.Millisecond)
	}
	return true
}

func warm() bool { return false }

// Ready reports whether the package is initialised.
func Ready() bool { return ready }
