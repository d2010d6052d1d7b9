package retries

import (
	"errors"
	"math"
	"sync"
)

// ErrBudgetExhausted says Do stopped retrying because the retry budget had
// no token left.
var ErrBudgetExhausted = errors.New("retry budget exhausted")

// A Budget limits retries with a capped token bucket. It starts full, with
// capacity tokens. Every request puts ratio tokens in, never filling it
// past capacity; every retry takes one token out, and is refused when less
// than one is left. So, over any stretch of time, a client's retries are at
// most ratio × its requests in that stretch, plus capacity: against a
// dependency that is down, 1,000 requests with a budget of (0.1, 10) make
// at most 1,000 + 100 + 10 calls, however long the client was healthy
// before.
//
// The cap is the point. A budget counted since the client started (retries
// at most 10% of all requests ever) banks allowance while all is well and
// spends it in the outage: after 10,000 healthy requests it lets the next
// 1,000 requests make 2,100 calls. Relatives with rules of their own: gRPC's
// retry throttling (gRFC A6) keeps a count per server that starts at
// maxTokens, loses 1 for every failed call and gains tokenRatio for every
// success, and allows no retry while it is at or below maxTokens/2;
// Finagle's RetryBudget lets about 20% of the requests of the last 10
// seconds retry, plus 10 retries a second.
//
// Tokens are counted in thousandths, as integers: ten deposits of 0.1 in
// float64 add up to 0.9999999999999999, one token short.
//
// It is safe for concurrent use: share one among all the requests a client
// sends to one dependency.
type Budget struct {
	capacity int64 // thousandths of a token
	deposit  int64 // thousandths of a token, per request

	mu     sync.Mutex // held only to count, never while anyone waits
	tokens int64      // thousandths of a token
}

// milli is one token, in the thousandths a Budget counts.
const milli = 1000

// NewBudget returns a full budget of capacity tokens, to which every
// request adds ratio tokens (0.1: one retry earned for every ten
// requests). ratio is rounded to thousandths. A negative ratio or capacity
// counts as zero: a budget never takes tokens away for a request.
func NewBudget(ratio float64, capacity int) *Budget {
	c := int64(max(capacity, 0)) * milli
	return &Budget{capacity: c, deposit: int64(math.Round(max(ratio, 0) * milli)), tokens: c}
}

// Request counts one new request: it adds ratio tokens, up to capacity.
// Do calls it once per call of Do, not once per attempt: counting attempts
// would let retries raise their own allowance.
func (b *Budget) Request() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.tokens+b.deposit, b.capacity)
}

// TryRetry reports whether a whole token is left, and if so spends it.
func (b *Budget) TryRetry() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < milli {
		return false
	}
	b.tokens -= milli
	return true
}
