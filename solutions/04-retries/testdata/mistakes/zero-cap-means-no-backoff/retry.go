// Mistake: the ceiling is min(Cap, Base·2^n) even when Cap is zero, as the lesson once had it, so a Policy that leaves Cap out sleeps 0 before every retry: the back-to-back storm the backoff was there to stop.
// Caught by: TestAZeroCapMeansNoCapAndTheDoublingNeverOverflows

package retries

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// backoff is how long to sleep before retry n: full jitter, a uniform
// random point in [0, min(Cap, Base·2^n)).
func (p Policy) backoff(n int) time.Duration {
	ceiling := p.Base
	for i := 0; i < n && ceiling < p.Cap; i++ {
		ceiling *= 2
	}
	ceiling = min(ceiling, p.Cap)

	random := p.Rand
	if random == nil {
		random = rand.Float64 // safe for concurrent use
	}
	return time.Duration(random() * float64(ceiling))
}
