// Package leak leaves a goroutine blocked when it gives up.
package leak

import "context"

// Fetch returns the value, or gives up when ctx has ended.
func Fetch(ctx context.Context) (string, error) {
	ch := make(chan string)
	go func() {
		ch <- "value"
	}()
	if err := ctx.Err(); err != nil {
		return "", err // nobody will take the value: the sender blocks forever
	}
	return <-ch, nil
}
