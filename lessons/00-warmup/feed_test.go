package warmup_test

import (
	"context"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/lessons/00-warmup"
)

func TestFeedHandsOverEveryItemInOrderThenCloses(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, items := range [][]string{
		{"news 1", "news 2", "news 3"},
		{"weather"},
		{}, // nothing to hand over: the channel closes at once
	} {
		synctest.Test(t, func(t *testing.T) {
			defer failOnPanic(t)
			got, closed := readAll(warmup.Feed(t.Context(), items))
			assert.Equal(t, items, got, "Feed(%q) handed over %q; want every item, in order", items, got)
			assert.True(t, closed,
				"after %q the reader waited a whole minute for more, and the channel was never closed: "+
					"close it after the last item, so that a reader's `for range` ends", got)
		})
	}
}

func TestFeedStopsWhenTheReaderLeaves(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		before := goleak.IgnoreCurrent()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		items := warmup.Feed(ctx, []string{"news 1", "news 2", "news 3"})
		// Whatever happens, let Feed's goroutine finish before the bubble
		// ends: a goroutine still stuck then would crash the whole test run.
		defer readAll(items)
		assert.Zero(t, cap(items),
			"Feed's channel has room for %d items; it should have none, so that each item is handed over "+
				"in person, when the reader is ready. A buffer as big as the slice would hide this leak, "+
				"but only because the slice is short and known in advance: wait on ctx.Done() instead", cap(items))

		select {
		case first := <-items:
			assert.Equal(t, "news 1", first, "the first item handed over")
		case <-time.After(patience):
			t.Fatal("the reader waited a whole minute for the first item and got nothing: " +
				"Feed must hand over its items (see TestFeedHandsOverEveryItemInOrderThenCloses)")
		}

		synctest.Wait() // Feed's goroutine now waits to hand over "news 2"...
		cancel()        // ...but the reader leaves without taking it.
		synctest.Wait() // Feed's goroutine has now exited, or is stuck for good.

		if leak := leftBehind(before); leak != "" {
			t.Errorf("the reader took one item and left (it cancelled ctx), but Feed's goroutine is "+
				"still waiting to hand over the next one, and nobody will ever take it: a leak. "+
				"Let the send also wait on ctx.Done(), and return when ctx is done. goleak found:\n%s", leak)
		}
	})
}

func TestFeedClosesTheChannelWhenTheContextEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		// A reader that needs 1s per item, with 1.5s to spare, ranges over
		// the feed: its deadline ends the feed while it is busy with item 2.
		ctx, cancel := context.WithTimeout(t.Context(), 1500*time.Millisecond)
		defer cancel()
		start := time.Now()
		var got []string
		closed := false
		items := warmup.Feed(ctx, []string{"news 1", "news 2", "news 3"})
		for {
			item, ok, waiting := receive(items)
			if waiting {
				break
			}
			if !ok {
				closed = true
				break
			}
			got = append(got, item)
			time.Sleep(time.Second) // reading takes a while
		}
		defer readAll(items) // whatever happened, let Feed's goroutine finish

		assert.Equal(t, []string{"news 1", "news 2"}, got,
			"the reader took an item at 0s and one at 1s; its deadline came at 1.5s, while it was busy with the "+
				"second, so Feed should have stopped waiting to hand over the third then: wait on ctx.Done() too")
		assert.True(t, closed,
			"the reader's deadline ended the feed at 1.5s, and at 2s the reader came back for more: it waited a "+
				"whole minute, and the channel was never closed. A reader ranging over the channel waits forever "+
				"unless Feed closes it on every way out, the ctx.Done() one too (defer close(out))")
		if closed {
			assert.Equal(t, 2*time.Second, time.Since(start),
				"the reader came back at 2s and should have found the channel closed at once")
		}
	})
}

func TestFeedStopsForGoodOnceTheReaderHasLeft(t *testing.T) {
	// The reader's ctx is done before Feed starts, and the reader reads
	// anyway. Each time Feed's goroutine waits, the send and ctx.Done() can
	// both be ready, and a select picks one at random. A goroutine that
	// returns at its first ctx.Done() hands over the first few items, in
	// order, or none. One that only leaves the select (break) goes on to
	// the next item, and picks again: it skips an item and hands over a
	// later one in about half the rounds (measured: 44% to 50% of 1,000
	// rounds, with and without -race, GOMAXPROCS 1 to 4), so 100 independent
	// rounds, each asserting, miss it with probability below 0.56^100 < 2^-80.
	const rounds = 100
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		defer failOnPanic(t)
		var items []string
		for i := range 10 {
			items = append(items, fmt.Sprintf("news %d", i+1))
		}
		for round := range rounds {
			ctx, cancel := context.WithCancel(t.Context())
			cancel() // the reader has left

			got, closed := readAll(warmup.Feed(ctx, items))

			require.True(t, closed, "round %d of %d: the reader read on and waited a whole minute for the channel "+
				"to close: close it on every way out", round+1, rounds)
			require.Equal(t, items[:len(got)], got,
				"round %d of %d: the reader had left (ctx was cancelled), read on anyway, and got %q: items were "+
					"skipped and later ones still handed over. Once ctx is done, Feed's goroutine must stop for good: "+
					"return. A break in a select leaves only the select, and the loop goes on to the next item",
				round+1, rounds, got)
		}
	})
}

// receive waits for the next item on ch, as a `for range` would; waiting
// is true if, for a whole minute of virtual time, nothing came and the
// channel stayed open.
func receive(ch <-chan string) (item string, ok, waiting bool) {
	select {
	case item, ok = <-ch:
		return item, ok, false
	case <-time.After(patience):
		return "", false, true
	}
}
