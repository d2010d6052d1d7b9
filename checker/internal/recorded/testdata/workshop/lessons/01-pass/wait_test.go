package pass

import (
	"testing"
	"testing/synctest"
	"time"
)

func TestWaitReturnsTheDuration(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		if got := Wait(time.Second); got != time.Second {
			t.Errorf("Wait(1s) = %v", got)
		}
	})
}

func TestWaitTakesVirtualTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		Wait(time.Hour)
		if got := time.Since(start); got != time.Hour {
			t.Errorf("an hour took %v", got)
		}
	})
}
