package panicky

import "testing"

func TestFirstPasses(t *testing.T) {}

// TestAddCounts panics: the Store's map is nil. The binary dies with it,
// so the test after it never starts.
//
// The call to Add stands on the line the recorded streams name, 16.
//
//
//

func TestAddCounts(t *testing.T) {
	(&Store{}).Add("x")
}

func TestNeverRuns(t *testing.T) {}
