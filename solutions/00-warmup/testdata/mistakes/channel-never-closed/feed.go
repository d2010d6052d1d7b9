// Mistake: stops on ctx.Done() but never closes the channel, so a reader ranging over it waits forever after the last item.
// Caught by: TestFeedHandsOverEveryItemInOrderThenCloses, TestFeedClosesTheChannelWhenTheContextEnds, TestFeedStopsForGoodOnceTheReaderHasLeft

package warmup

// Feed hands the items to the reader, one at a time.
func Feed(ctx context.Context, items []string) <-chan string {
	out := make(chan string)
	go func() {
		for _, item := range items {
			select {
			case out <- item:
			case <-ctx.Done():
				return
			}
		}
	}()
	return out
}
