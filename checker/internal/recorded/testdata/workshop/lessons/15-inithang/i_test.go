package inithang

import "testing"

func TestReady(t *testing.T) {
	if !Ready() {
		t.Error("not ready")
	}
}

func TestNeverStarts(t *testing.T) {}
