package warmup_test

import (
	"time"

	"go.uber.org/goleak"
)

// patience is how long, in virtual time, a test waits for something that
// should happen at once before it gives up and says so. Inside a bubble it
// costs nothing: the clock only jumps when every goroutine is stuck.
const patience = time.Minute

// leftBehind reports, as goleak prints them, the goroutines started since
// before was taken (with goleak.IgnoreCurrent at the start of the bubble)
// that are still alive; "" if there are none. Call synctest.Wait first, so
// that every goroutine has either exited or is stuck for good.
func leftBehind(before goleak.Option) string {
	if err := goleak.Find(before); err != nil {
		return err.Error()
	}
	return ""
}

// readAll reads ch until it is closed. It also returns false when, for a
// whole minute of virtual time, nothing arrived and the channel stayed open:
// the reader would have waited forever.
func readAll(ch <-chan string) (got []string, closed bool) {
	got = []string{}
	for {
		select {
		case item, ok := <-ch:
			if !ok {
				return got, true
			}
			got = append(got, item)
		case <-time.After(patience):
			return got, false
		}
	}
}
