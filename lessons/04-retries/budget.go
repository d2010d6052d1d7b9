package retries

import "errors"

// ErrBudgetExhausted says Do stopped retrying because the retry budget had
// no token left.
var ErrBudgetExhausted = errors.New("retry budget exhausted")

// A Budget limits retries with a capped token bucket. It starts full, with
// capacity tokens. Every request puts ratio tokens in, never filling it
// past capacity; every retry takes one token out, and is refused when less
// than one is left. So, over any stretch of time, a client's retries are at
// most ratio × its requests in that stretch, plus capacity, however long
// the client was healthy before. The README says why the cap matters.
//
// It is safe for concurrent use: share one among all the requests a client
// sends to one dependency.
type Budget struct {
	// TODO(6): the capacity, the deposit per request and the tokens left,
	// guarded by a sync.Mutex (Do runs in many goroutines at once). Count
	// tokens in thousandths, as integers: ten deposits of 0.1 in float64
	// add up to 0.9999999999999999, one token short.
}

// NewBudget returns a full budget of capacity tokens, to which every
// request adds ratio tokens (0.1: one retry earned for every ten
// requests). ratio is rounded to thousandths. A negative ratio or capacity
// counts as zero: a budget never takes tokens away for a request.
func NewBudget(ratio float64, capacity int) *Budget {
	// TODO(6): remember the capacity and the deposit, and start full.
	return &Budget{}
}

// Request counts one new request: it adds ratio tokens, up to capacity.
// Do calls it once per call of Do, not once per attempt: counting attempts
// would let retries raise their own allowance.
func (b *Budget) Request() {
	// TODO(6): add the deposit, never past the capacity.
}

// TryRetry reports whether a whole token is left, and if so spends it.
func (b *Budget) TryRetry() bool {
	// TODO(6): refuse when less than one token is left; otherwise spend
	// one and allow the retry. As shipped, every retry is allowed.
	return true
}
