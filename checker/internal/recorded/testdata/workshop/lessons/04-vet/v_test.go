package vet

import "testing"

func TestSay(t *testing.T) { Say("you") }
