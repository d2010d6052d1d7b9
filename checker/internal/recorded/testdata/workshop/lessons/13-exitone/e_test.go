package exitone

import "testing"

func TestSkipped(t *testing.T) { t.Skip("not yet") }

func TestLoadReturns(t *testing.T) {
	t.Log("loading")
	Load()
}

func TestAfterExit(t *testing.T) {}
