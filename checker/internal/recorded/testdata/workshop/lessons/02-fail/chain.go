// Package chain is a lesson with two failing tests and one passing test.
package chain

import "time"

// Result is what Describe reports.
type Result struct {
	Name  string
	Waits []time.Duration
}

// Call makes the calls one after the other and returns the total wait.
func Call(waits ...time.Duration) time.Duration {
	var total time.Duration
	for _, w := range waits {
		total += w
	}
	return total
}

// Describe names the caller and its waits.
func Describe() Result {
	return Result{Name: "client", Waits: []time.Duration{time.Second, 2 * time.Second}}
}
