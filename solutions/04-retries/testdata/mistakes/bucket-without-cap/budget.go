// Mistake: requests fill the bucket with no cap, so a quiet stretch banks a token for every ten requests and the outage after it spends them all: the budget remembers instead of forgetting.
// Caught by: TestAQuietPeriodNeverRaisesTheBudgetAboveItsCapacity, TestAnOutageAfterALongHealthyPeriodIsHeldToTheBudget, TestAbandonedAttemptsPileUpAtADeafDependencyUntilTheBudgetStopsThem

package retries

// Request counts one new request: it adds ratio tokens.
func (b *Budget) Request() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.tokens += b.deposit
}
