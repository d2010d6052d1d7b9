package warmup_test

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
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
