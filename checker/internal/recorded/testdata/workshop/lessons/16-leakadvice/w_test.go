package leakadvice

import (
	"testing"

	"go.uber.org/goleak"
)

// TestStopEndsTheWorker says in its own words what to do, then goleak
// names the goroutine: the learner needs both.
func TestStopEndsTheWorker(t *testing.T) {
	defer goleak.VerifyNone(t)
	before := goleak.IgnoreCurrent()
	w := Start()
	w.Stop()
	if err := goleak.Find(before); err != nil {
		t.Errorf("Stop returned, but the worker is still waiting for work nobody will send: close the quit channel in Stop. goleak found:\n%v", err)
	}
}
