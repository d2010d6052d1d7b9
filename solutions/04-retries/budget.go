package retries

import (
	"errors"
	"sync"
)

// ErrBudgetExhausted says Do stopped retrying because retries already make
// up the budget's share of requests.
var ErrBudgetExhausted = errors.New("retry budget exhausted")

// A Budget limits retries to a share of requests, as the Google SRE book
// describes ("Handling Overload"): a client retries only while its retries
// stay within, say, 10% of its requests.
//
// Why this rule and not the AWS SDK's token bucket (500 tokens, a retry
// costs 5, a success gives 1 back)? The ratio bounds the load a client
// sends to a dependency that is down at (1 + ratio) × its requests, however
// many requests it sends: 1.1× for 10%. The token bucket allows a fixed
// burst of 100 retries and then none until successes refill it: kind to a
// short blip, but its bound is "requests + 100", which depends on traffic.
//
// A Budget counts from the moment it is made; a long-lived client would
// count over a sliding window (the last minute, say), so a quiet past cannot
// bank a large allowance. It is safe for concurrent use: share one among all
// the requests of a client.
type Budget struct {
	ratio float64

	mu       sync.Mutex // held only to count, never while anyone waits
	requests int
	retries  int
}

// NewBudget returns a budget that allows retries up to ratio × requests
// (0.1 for the SRE book's 10%).
func NewBudget(ratio float64) *Budget {
	return &Budget{ratio: ratio}
}

// Request counts one new request. Do calls it once per call of Do, not once
// per attempt: counting attempts would let retries raise their own allowance.
func (b *Budget) Request() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests++
}

// TryRetry reports whether one more retry fits in the budget, that is
// whether retries, counting this one, would be at most ratio × requests,
// and if so counts it.
func (b *Budget) TryRetry() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if float64(b.retries+1) > b.ratio*float64(b.requests) {
		return false
	}
	b.retries++
	return true
}
