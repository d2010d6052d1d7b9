package subtestleak

import (
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

// TestLookupRefusesALimitBelowOne fails in its second subtest with a
// message of its own, then leaks the goroutine it started there: the
// learner needs the subtest's name, the test's advice and the goroutine.
func TestLookupRefusesALimitBelowOne(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, limit := range []int{2, 0} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				done := make(chan struct{})
				go func() {
					defer close(done)
					Lookup(limit)
				}()
				select {
				case <-done:
				case <-time.After(time.Minute):
					t.Fatalf("Lookup with limit %d was still running after %v: check the limit before anything else, and panic", limit, time.Minute)
				}
			})
		})
	}
}
