// Mistake: the tokens are a float64, and ten deposits of 0.1 add up to 0.9999999999999999, so the retry ten requests should have earned is refused and the budget drifts below what it promises.
// Caught by: TestBudgetStartsFullAndEarnsOneRetryForEveryTenRequests

package retries

import (
	"errors"
	"sync"
)

// A Budget limits retries with a capped token bucket, counted in float64.
type Budget struct {
	capacity float64
	ratio    float64

	mu     sync.Mutex
	tokens float64
}

// NewBudget returns a full budget of capacity tokens, to which every
// request adds ratio tokens.
func NewBudget(ratio float64, capacity int) *Budget {
	return &Budget{capacity: float64(capacity), ratio: ratio, tokens: float64(capacity)}
}

// Request counts one new request: it adds ratio tokens, up to capacity.
func (b *Budget) Request() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.tokens+b.ratio, b.capacity)
}

// TryRetry reports whether a whole token is left, and if so spends it.
func (b *Budget) TryRetry() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
