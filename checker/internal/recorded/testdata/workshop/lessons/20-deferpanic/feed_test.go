package deferpanic

import "testing"

// TestFeedSendsEveryValue crashes: the deferred close panics, and the
// stack names the closing brace of the goroutine's function.
func TestFeedSendsEveryValue(t *testing.T) {
	n := 0
	for range Feed([]int{1, 2}) {
		n++
	}
	if n != 2 {
		t.Errorf("got %d values, want 2", n)
	}
	select {} // the deferred close panics meanwhile
}
