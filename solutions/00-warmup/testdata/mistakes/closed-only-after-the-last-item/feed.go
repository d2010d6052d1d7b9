// Mistake: the channel is closed after the last item only, not when ctx.Done() ends the loop ("whoever cancelled has stopped reading"), so a reader still ranging over it, whose deadline ended the feed, waits forever.
// Caught by: TestFeedClosesTheChannelWhenTheContextEnds, TestFeedStopsForGoodOnceTheReaderHasLeft

package warmup

// Feed hands the items, one at a time, to whoever reads the returned
// channel, and closes it after the last one.
func Feed(ctx context.Context, items []string) <-chan string {
	out := make(chan string)
	go func() {
		for _, item := range items {
			select {
			case out <- item:
			case <-ctx.Done():
				return // the reader left: nobody is there to see a close
			}
		}
		close(out) // every item handed over: tell the reader we are done
	}()
	return out
}
