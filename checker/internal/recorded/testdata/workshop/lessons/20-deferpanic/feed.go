// Package deferpanic closes a channel twice: once in the body, once in a
// deferred call.
package deferpanic

// Feed sends the values on a channel it then closes.
func Feed(values []int) <-chan int {
	out := make(chan int, len(values))
	go func() {
		defer close(out)
		for _, v := range values {
			out <- v
		}
		close(out)
	}()
	return out
}
