// Package vet compiles, but go vet stops its tests.
package vet

import "fmt"

// Say greets name.
func Say(name string) string {
	return fmt.Sprintf("hello %d", name)
}
