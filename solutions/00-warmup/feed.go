// Package warmup is the first lesson: three small kinds of waiting, and the
// three checks every later lesson uses to make waiting visible.
//
//   - Feed: a goroutine that waits for a reader who has left (goleak).
//   - Sleep: a wait that must end when the caller stops caring (synctest).
//   - Counter: goroutines that should wait for each other and do not (-race).
package warmup

import "context"

// Feed starts a goroutine that hands the items, one at a time and in order,
// to whoever reads the returned channel, and closes the channel after the
// last one.
//
// A reader may leave early: it cancels ctx and stops reading. Feed's
// goroutine must then stop waiting for it and exit.
func Feed(ctx context.Context, items []string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out) // whichever way we leave, a reader's range ends
		for _, item := range items {
			// A send waits for a reader. Wait for the reader's departure
			// too: without this case, a reader that left would leave this
			// goroutine waiting forever.
			select {
			case out <- item:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
