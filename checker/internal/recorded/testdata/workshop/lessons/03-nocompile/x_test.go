package nocompile

import "testing"

func TestF(t *testing.T) { F() }
