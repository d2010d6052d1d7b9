package retries

import "errors"

// ErrBudgetExhausted says Do stopped retrying because retries already make
// up the budget's share of requests.
var ErrBudgetExhausted = errors.New("retry budget exhausted")

// A Budget limits retries to a share of requests, as the Google SRE book
// describes ("Handling Overload"): a client retries only while its retries
// stay within, say, 10% of its requests. The README says why this rule
// rather than the AWS SDK's token bucket.
//
// It is safe for concurrent use: share one among all the requests of a
// client.
type Budget struct {
	// TODO(4): keep the ratio and count requests and retries, guarded by
	// a sync.Mutex (Do runs in many goroutines at once).
}

// NewBudget returns a budget that allows retries up to ratio × requests
// (0.1 for the SRE book's 10%).
func NewBudget(ratio float64) *Budget {
	// TODO(4): remember the ratio.
	return &Budget{}
}

// Request counts one new request. Do calls it once per call of Do, not once
// per attempt: counting attempts would let retries raise their own allowance.
func (b *Budget) Request() {
	// TODO(4): count the request.
}

// TryRetry reports whether one more retry fits in the budget, that is
// whether retries, counting this one, would be at most ratio × requests,
// and if so counts it.
func (b *Budget) TryRetry() bool {
	// TODO(4): refuse when retries+1 > ratio × requests; otherwise count
	// the retry and allow it. As shipped, every retry is allowed.
	return true
}
