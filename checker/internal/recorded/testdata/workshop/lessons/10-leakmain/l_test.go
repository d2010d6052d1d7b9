package leakmain

import (
	"context"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestFetchReturnsTheValue(t *testing.T) {
	if got, _ := Fetch(context.Background(), func() string { return "v" }); got != "v" {
		t.Errorf("Fetch = %q", got)
	}
}

func TestFetchGivesUp(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	never := make(chan string)
	Fetch(ctx, func() string { return <-never })
}
