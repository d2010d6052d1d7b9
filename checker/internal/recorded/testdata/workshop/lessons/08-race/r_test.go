package race

import "testing"

// TestCountIsSafe makes the race detector report the unlocked total: the
// two goroutines' accesses have no happens-before edge, whatever order
// they run in. The call to Count stands on the line the recorded streams
// name, 11.

func TestCountIsSafe(t *testing.T) {
	Count(2)
}

func TestOther(t *testing.T) {}
