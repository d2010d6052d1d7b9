package exit

import "testing"

func TestQuitReturns(t *testing.T) {
	Quit()
}

func TestAfterExit(t *testing.T) {}
