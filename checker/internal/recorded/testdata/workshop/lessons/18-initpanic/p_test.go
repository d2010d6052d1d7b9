package initpanic

import "testing"

func TestLimit(t *testing.T) {
	if Limit() != 1 {
		t.Error("want 1")
	}
}

func TestAfter(t *testing.T) {}
