package lab

import "sync"

// A Budget limits a client's retries with a capped token bucket, as lesson
// 04 teaches: it starts full, every order deposits 0.1 token (never past
// the cap of 10), and every retry spends 1; no whole token, no retry. So
// retries add at most a tenth to the load, plus 10, however long the
// failure lasts. Counted in thousandths of a token, as integers. Safe for
// concurrent use: one per client, shared by all its orders.
type Budget struct {
	mu      sync.Mutex
	tokens  int64
	deposit int64
	cap     int64
}

// NewBudget returns a full budget: ratio tokens per order, at most capacity.
func NewBudget(ratio float64, capacity int) *Budget {
	c := int64(capacity) * 1000
	return &Budget{tokens: c, deposit: int64(ratio*1000 + 0.5), cap: c}
}

// Order counts a new order.
func (b *Budget) Order() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens = min(b.tokens+b.deposit, b.cap)
}

// TryRetry spends a token if a whole one is left.
func (b *Budget) TryRetry() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.tokens < 1000 {
		return false
	}
	b.tokens -= 1000
	return true
}
