// Mistake: the budget allows retries up to 10% of all the requests since it was made, as the lesson once taught, so a long healthy stretch banks allowance that the outage spends: after 10,000 healthy requests, 1,000 requests to a dependency that is down make 2,100 calls instead of at most 1,110.
// Caught by: TestBudgetStartsFullAndEarnsOneRetryForEveryTenRequests, TestAQuietPeriodNeverRaisesTheBudgetAboveItsCapacity, TestAnOutageAfterALongHealthyPeriodIsHeldToTheBudget, TestARetryAfterHintIsStillChargedToTheBudget

package retries

import (
	"errors"
	"sync"
)

// A Budget limits retries to a share of all the requests it has seen.
type Budget struct {
	ratio float64

	mu       sync.Mutex
	requests int
	retries  int
}

// NewBudget returns a budget that allows retries up to ratio × requests;
// it has no capacity.
func NewBudget(ratio float64, capacity int) *Budget {
	return &Budget{ratio: ratio}
}

// Request counts one new request.
func (b *Budget) Request() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.requests++
}

// TryRetry allows a retry while retries, counting it, stay at most
// ratio × requests.
func (b *Budget) TryRetry() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if float64(b.retries+1) > b.ratio*float64(b.requests) {
		return false
	}
	b.retries++
	return true
}
