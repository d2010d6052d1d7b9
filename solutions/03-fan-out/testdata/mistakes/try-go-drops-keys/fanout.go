// Mistake: TryGo is used as if it waited for a free turn; it does not: it returns false at the limit, and the keys it refused are silently never asked, leaving empty answers.
// Caught by: TestLookupKeepsAtMostLimitQueriesInFlight, TestLookupStartsTheNextKeyTheMomentATurnFrees, TestLookupGivesUpWhenTheCallerDoes

package fanout

// Lookup asks b about every key, with at most limit queries in flight at
// once, and returns the answers in the order of keys. The first query to
// fail ends the lookup: the queries in flight are cancelled, the keys still
// waiting for a turn are never sent, and Lookup returns that first error,
// which names the key.
//
// limit must be at least 1; Lookup panics otherwise, before sending anything
// (errgroup reads a negative limit as "no limit", and 0 as "never start").
func Lookup(ctx context.Context, b Backend, keys []string, limit int) ([]string, error) {
	if limit < 1 {
		panic(fmt.Sprintf("fanout: Lookup needs a limit of at least 1, got %d", limit))
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit) // before the first Go: from now on Go waits for a free turn
	// One slot per key: the answers land in key order whatever order they
	// arrive in, and no two goroutines write the same memory.
	answers := make([]string, len(keys))
	for i, key := range keys {
		g.TryGo(func() error {
			// This key may have waited for its turn while another one
			// failed: nobody will read its answer, so do not ask.
			if err := ctx.Err(); err != nil {
				return err
			}
			answer, err := b.Query(ctx, key)
			if err != nil {
				return fmt.Errorf("key %s: %w", key, err)
			}
			answers[i] = answer
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return answers, nil
}
