// Package subtestleak waits for ever when its limit is below one.
package subtestleak

// Lookup answers with the limit; below one it blocks on a send nobody
// receives.
func Lookup(limit int) int {
	if limit < 1 {
		ch := make(chan int)
		ch <- limit
	}
	return limit
}
