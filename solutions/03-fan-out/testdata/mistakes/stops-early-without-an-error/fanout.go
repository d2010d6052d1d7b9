// Mistake: the loop stops starting keys once the group's context is done, and then returns whatever g.Wait() says; when no key failed (the caller had already given up), Wait has no error to give, so Lookup hands back empty answers and no error, and the caller takes them for real ones.
// Caught by: TestLookupGivesUpWhenTheCallerDoes

package fanout

// Lookup asks b about every key, with at most limit queries in flight at
// once, and returns the answers in the order of keys.
func Lookup(ctx context.Context, b Backend, keys []string, limit int) ([]string, error) {
	if limit < 1 {
		panic(fmt.Sprintf("fanout: Lookup needs a limit of at least 1, got %d", limit))
	}
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(limit)
	answers := make([]string, len(keys))
	for i, key := range keys {
		if ctx.Err() != nil {
			break // a key failed: start no more goroutines for nobody
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
	return answers, nil
}
