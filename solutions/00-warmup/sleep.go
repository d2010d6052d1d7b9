package warmup

import (
	"context"
	"time"
)

// Sleep waits for d, or until ctx is done, whichever comes first. It returns
// nil after the full wait, and ctx.Err() when the wait was cut short. If ctx
// is already done, it returns ctx.Err() at once.
func Sleep(ctx context.Context, d time.Duration) error {
	// Checked first: with d <= 0 the timer is ready at once too, and a
	// select picks at random among ready cases.
	if err := ctx.Err(); err != nil {
		return err
	}
	timer := time.NewTimer(d)
	defer timer.Stop() // an early return need not keep the timer running
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
