// Package bubbleleak leaves its sender blocked in the test's bubble.
package bubbleleak

import "context"

// Fetch returns the value, unless ctx has ended by the time it asks.
func Fetch(ctx context.Context) (string, error) {
	ch := make(chan string)
	go func() {
		ch <- "value"
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	default:
		return <-ch, nil
	}
}
