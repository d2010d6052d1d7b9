// Mistake: the ctx.Done() case says break, which leaves only the select, not the loop, so the goroutine goes on to the next item and picks again between the send and ctx.Done(): a reader who has left but still reads gets later items with earlier ones skipped.
// Caught by: TestFeedStopsForGoodOnceTheReaderHasLeft

package warmup

// Feed hands the items, one at a time, to whoever reads the returned
// channel, and closes it after the last one.
func Feed(ctx context.Context, items []string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, item := range items {
			select {
			case out <- item:
			case <-ctx.Done():
				break // the reader left: stop handing over items
			}
		}
	}()
	return out
}
