package leak

import (
	"context"
	"testing"

	"go.uber.org/goleak"
)

func TestFetchReturnsTheValue(t *testing.T) {
	defer goleak.VerifyNone(t)
	if got, err := Fetch(context.Background()); got != "value" || err != nil {
		t.Errorf("Fetch = %q, %v", got, err)
	}
}

// goleak, deferred, reports the sender still blocked on the line where
// the test returns: 24.
func TestFetchDoesNotLeakWhenItGivesUp(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	Fetch(ctx)
}
