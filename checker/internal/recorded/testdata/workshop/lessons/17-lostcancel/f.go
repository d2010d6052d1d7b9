// Package lostcancel passes its tests and drops a cancel function, which
// only the full go vet reports (go test runs no lostcancel).
package lostcancel

import (
	"context"
	"time"
)

// Fetch gives up after a second.
func Fetch(ctx context.Context) error {
	ctx, _ = context.WithTimeout(ctx, time.Second)
	return ctx.Err()
}
