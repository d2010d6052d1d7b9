// Mistake: TryRetry checks for a whole token under the lock, lets go of it, and takes the lock again to spend the token, so two retries that ask at the same time can both see the last token and both spend it: the budget allows more retries than it holds, and the race detector says nothing, since every access is locked.
// Caught by: TestRequestsAndRetriesAtTheSameTimeNeverOverdrawTheBudget

package retries

// TryRetry reports whether a whole token is left, and if so spends it.
func (b *Budget) TryRetry() bool {
	b.mu.Lock()
	enough := b.tokens >= milli
	b.mu.Unlock()
	if !enough {
		return false
	}
	b.mu.Lock()
	b.tokens -= milli
	b.mu.Unlock()
	return true
}
