package bubbleblocked

import (
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"
)

func TestNextGetsAValue(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		p := &Pipeline{out: make(chan int)}
		if got := p.Next(); got != 1 {
			t.Errorf("Next = %d", got)
		}
	})
}

func TestAfter(t *testing.T) {}
