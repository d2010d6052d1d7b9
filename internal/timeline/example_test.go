package timeline_test

import (
	"fmt"
	"time"

	"github.com/wherewaiting/workshop/internal/timeline"
)

// Spans can be drawn from recorded times. In a test, record them with
// Timeline.Begin inside a synctest bubble instead: the clock is virtual, so
// the drawing is the same on every run.
func ExampleRender() {
	origin := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	at := func(d time.Duration) time.Time { return origin.Add(d) }
	fmt.Print(timeline.Render(origin, at(3*time.Second), []timeline.Span{
		{Who: "client", Start: at(0), End: at(3 * time.Second)},
		{Who: "service", Start: at(200 * time.Millisecond), End: at(2800 * time.Millisecond)},
		{Who: "database", Start: at(600 * time.Millisecond), End: at(2600 * time.Millisecond)},
	}))
	// Output:
	//           0s        1s        2s        3s
	// client    |=============================|  3.0s
	// service     |=========================|    2.6s
	// database        |===================|      2.0s
}
