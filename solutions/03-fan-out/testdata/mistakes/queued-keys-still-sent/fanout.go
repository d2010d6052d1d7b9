// Mistake: each goroutine asks the backend without first checking the group's context, so after the first failure every key that was waiting for its turn is still started and sent, although nobody will read its answer.
// Caught by: TestLookupCancelsTheRestAfterTheFirstError, TestLookupGivesUpWhenTheCallerDoes

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
		g.Go(func() error {
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
