// Mistake: each client sleeps exactly min(Cap, Base·2^n), plain exponential backoff, so clients that failed together retry together, in waves, and the dependency meets the whole herd again at every step.
// Caught by: TestBackoffDoublesFromBaseUpToTheCap, TestFullJitterApproachesButNeverPassesTheCap, TestAZeroCapMeansNoCapAndTheDoublingNeverOverflows, TestJitterSpreadsAHerdOfClientsApart, TestGivesUpAtOnceWhenTheNextSleepWouldEndPastTheDeadline, TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried, TestAnAttemptThatTimesOutSaysSoNotThatTheCallersDeadlinePassed, TestRetryAfterWaitsTheServersHintPlusJitter, TestANegativeRetryAfterIsNoHint, TestClientsToldTheSameRetryAfterComeBackSpreadOut

package retries

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"
)

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)). The randomness spreads clients
// that failed together, so they do not come back together.
func (p Policy) backoff(n int) time.Duration {
	limit := p.Cap
	if limit <= 0 {
		limit = math.MaxInt64 // no cap
	}
	// Double step by step and stop at the limit: Base<<n, or one doubling
	// past the largest time.Duration, overflows and turns a long sleep into none.
	ceiling := min(max(p.Base, 0), limit)
	for i := 0; i < n && ceiling < limit; i++ {
		if ceiling > limit/2 {
			ceiling = limit
		} else {
			ceiling *= 2
		}
	}
	return ceiling
}
