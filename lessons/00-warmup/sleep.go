package warmup

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done, whichever comes first. It returns
// nil after the full wait, and ctx.Err() when the wait was cut short. If ctx
// is already done, it returns ctx.Err() at once.
func Sleep(ctx context.Context, d time.Duration) error {
	// TODO(2): time.Sleep cannot be interrupted: the caller keeps waiting
	// for the whole d even after ctx is cancelled. Start a timer and wait in
	// a select for whichever comes first, the timer or ctx.Done().
	time.Sleep(d)
	return nil
}
