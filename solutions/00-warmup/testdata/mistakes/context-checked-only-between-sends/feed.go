// Mistake: checks ctx.Err() before each send but then sends with a plain `out <- item`; a reader that leaves while the goroutine is already waiting in that send leaves it waiting forever.
// Caught by: TestFeedStopsWhenTheReaderLeaves (leak), TestFeedClosesTheChannelWhenTheContextEnds

package warmup

// Feed hands the items to the reader, one at a time, and closes the channel.
func Feed(ctx context.Context, items []string) <-chan string {
	out := make(chan string)
	go func() {
		defer close(out)
		for _, item := range items {
			if ctx.Err() != nil {
				return
			}
			out <- item // the wait that matters, and it does not listen to ctx
		}
	}()
	return out
}
