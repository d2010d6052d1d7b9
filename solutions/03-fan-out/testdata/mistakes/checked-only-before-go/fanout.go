// Mistake: the loop stops calling Go once the group's context is cancelled, but the goroutine itself does not check it; Go may have been waiting for a turn when the failure came, so that one queued key is still sent, for nobody.
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
	g.SetLimit(limit)
	answers := make([]string, len(keys))
	var stopped error
	for i, key := range keys {
		if stopped = ctx.Err(); stopped != nil {
			break // checked here, where Go has not started to wait yet
		}
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
	if stopped != nil {
		return nil, stopped
	}
	return answers, nil
}
