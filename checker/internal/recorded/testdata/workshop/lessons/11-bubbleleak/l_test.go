package bubbleleak

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestFetchReturnsTheValue(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		if got, _ := Fetch(t.Context()); got != "value" {
			t.Errorf("Fetch = %q", got)
		}
	})
}

func TestFetchGivesUpAtTheDeadline(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		time.Sleep(2 * time.Second) // past the deadline: the same instant has no order
		Fetch(ctx)
	})
}

func TestLater(t *testing.T) {}
