// Mistake: the keys are sent in batches of limit, each batch waited for in full before the next ("at most limit in flight" holds), so one slow key keeps every other turn idle until it is done, where a sliding window would start the next key the moment any turn frees.
// Caught by: TestLookupStartsTheNextKeyTheMomentATurnFrees

package fanout

// Lookup asks b about every key, with at most limit queries in flight at
// once, and returns the answers in the order of keys.
func Lookup(ctx context.Context, b Backend, keys []string, limit int) ([]string, error) {
	if limit < 1 {
		panic(fmt.Sprintf("fanout: Lookup needs a limit of at least 1, got %d", limit))
	}
	answers := make([]string, len(keys))
	var stopped error
	for start := 0; start < len(keys); start += limit {
		batch := keys[start:min(start+limit, len(keys))]
		g, ctx := errgroup.WithContext(ctx)
		for j, key := range batch {
			i := start + j
			if stopped = ctx.Err(); stopped != nil {
				break // a key failed, or the caller left: start nothing more
			}
			g.Go(func() error {
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
		if stopped != nil {
			return nil, stopped
		}
	}
	return answers, nil
}
