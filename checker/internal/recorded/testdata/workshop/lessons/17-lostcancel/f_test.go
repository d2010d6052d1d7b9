package lostcancel

import (
	"context"
	"testing"
)

func TestFetchReturnsNoError(t *testing.T) {
	if err := Fetch(context.Background()); err != nil {
		t.Error(err)
	}
}
