package timeline_test

import (
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/timeline"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestStringDrawsTheWaterfall(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		endClient := tl.Begin("client")
		time.Sleep(200 * time.Millisecond)
		endService := tl.Begin("service")
		time.Sleep(400 * time.Millisecond)
		endDB := tl.Begin("database")
		time.Sleep(2 * time.Second)
		endDB()
		time.Sleep(200 * time.Millisecond)
		endService()
		time.Sleep(200 * time.Millisecond)
		endClient()

		want := "" +
			"          0s        1s        2s        3s\n" +
			"client    |=============================|  3.0s\n" +
			"service     |=========================|    2.6s\n" +
			"database        |===================|      2.0s\n"
		if got := tl.String(); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
}

func TestOpenSpansAreMarkedStillWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		tl.Begin("caller")
		time.Sleep(500 * time.Millisecond)
		want := "" +
			"        0s        100ms     200ms     300ms     400ms     500ms\n" +
			"caller  |=================================================>  500ms still waiting\n"
		if got := tl.String(); got != want {
			t.Errorf("got\n%s\nwant\n%s", got, want)
		}
	})
}

func TestSpansAreOrderedByStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		origin := tl.Origin()
		tl.Add("late", origin.Add(2*time.Second), origin.Add(3*time.Second))
		tl.Add("early", origin, origin.Add(time.Second))
		tl.Add("tie", origin, origin.Add(time.Second))
		var got []string
		for _, s := range tl.Spans() {
			got = append(got, s.Who)
		}
		if fmt.Sprint(got) != "[early tie late]" {
			t.Errorf("got order %v, want [early tie late]", got)
		}
	})
}

func TestEmptyTimeline(t *testing.T) {
	if got, want := timeline.New().String(), "(nobody waited)\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEndTwiceKeepsTheFirstEnd(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		end := tl.Begin("x")
		time.Sleep(time.Second)
		end()
		time.Sleep(time.Second)
		end()
		if got := tl.Spans()[0].End.Sub(tl.Origin()); got != time.Second {
			t.Errorf("got end %v, want 1s", got)
		}
	})
}

func TestConcurrentUseIsSafe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		tl := timeline.New()
		var wg sync.WaitGroup
		for i := range 50 {
			wg.Go(func() {
				end := tl.Begin(fmt.Sprint("caller ", i))
				time.Sleep(time.Duration(i) * time.Millisecond)
				end()
			})
		}
		wg.Wait()
		if got := len(tl.Spans()); got != 50 {
			t.Errorf("got %d spans, want 50", got)
		}
	})
}
