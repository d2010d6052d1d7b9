// Mistake: the three backends are asked one after the other, as in the blocking chain, although no query needs another's answer, so the caller waits for the sum of their latencies instead of the slowest one, and a failure cannot stop a query that has not started.
// Caught by: TestHandleWaitsForTheSlowestBackendNotTheSum, TestTheFirstErrorEndsHandleAtOnce, TestTheFirstErrorCancelsTheOtherQueries, TestHandleReturnsOnlyAfterEveryQueryHasStopped, TestHandleGivesUpWhenTheCallerDoes

package fanout

// Handle asks the three backends for userID's parts ("profile:<userID>",
// "orders:<userID>", "recommendations:<userID>"), all at the same time, and
// waits for all three: the caller waits as long as the slowest one. The
// first part to fail ends the wait: the other queries are cancelled, and
// Handle returns that first error, which names the part.
func (s *Service) Handle(ctx context.Context, userID string) (Dashboard, error) {
	var d Dashboard
	var err error
	d.Profile, err = ask(ctx, s.profiles, "profile", userID)
	if err != nil {
		return Dashboard{}, err
	}
	d.Orders, err = ask(ctx, s.orders, "orders", userID)
	if err != nil {
		return Dashboard{}, err
	}
	d.Recommendations, err = ask(ctx, s.recommendations, "recommendations", userID)
	if err != nil {
		return Dashboard{}, err
	}
	return d, nil
}
