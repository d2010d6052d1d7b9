// Package leakmain leaves a goroutine that only goleak.VerifyTestMain sees.
package leakmain

import "context"

// Fetch runs get in a goroutine, unless ctx has ended.
func Fetch(ctx context.Context, get func() string) (string, error) {
	ch := make(chan string, 1)
	go func() {
		ch <- get()
	}()
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return <-ch, nil
}
