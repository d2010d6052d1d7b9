// Mistake: each client sleeps exactly min(Cap, Base·2^n), plain exponential backoff, so clients that failed together retry together, in waves, and the dependency meets the whole herd again at every step.
// Caught by: TestBackoffDoublesFromBaseUpToTheCap, TestFullJitterApproachesButNeverPassesTheCap, TestJitterSpreadsAHerdOfClientsApart, TestGivesUpAtOnceWhenTheNextSleepWouldEndPastTheDeadline, TestAHungAttemptIsAbandonedAtTheAttemptTimeoutAndRetried, TestAnAttemptThatTimesOutSaysSoNotThatTheCallersDeadlinePassed, TestRetryAfterWaitsTheServersHintPlusJitter, TestClientsToldTheSameRetryAfterComeBackSpreadOut

package retries

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)). The randomness spreads clients
// that failed together, so they do not come back together.
func (p Policy) backoff(n int) time.Duration {
	// Double step by step and stop at the cap: Base<<n overflows for large
	// n and turns a long sleep into none.
	ceiling := p.Base
	for i := 0; i < n && ceiling < p.Cap; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.Cap)

	return ceiling
}
