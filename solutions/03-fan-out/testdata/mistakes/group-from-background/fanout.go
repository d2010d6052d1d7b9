// Mistake: the groups are made from context.Background() ("the queries must not be cut short"), so the first error still cancels the rest, but the caller's own deadline or cancellation reaches no query: the caller is held until every answer is in.
// Caught by: TestHandleGivesUpWhenTheCallerDoes, TestLookupGivesUpWhenTheCallerDoes

package fanout

// Handle asks the three backends for userID's parts, all at the same time,
// and waits for all three.
func (s *Service) Handle(_ context.Context, userID string) (Dashboard, error) {
	g, ctx := errgroup.WithContext(context.Background())
	var d Dashboard
	g.Go(func() (err error) {
		d.Profile, err = ask(ctx, s.profiles, "profile", userID)
		return err
	})
	g.Go(func() (err error) {
		d.Orders, err = ask(ctx, s.orders, "orders", userID)
		return err
	})
	g.Go(func() (err error) {
		d.Recommendations, err = ask(ctx, s.recommendations, "recommendations", userID)
		return err
	})
	if err := g.Wait(); err != nil {
		return Dashboard{}, err
	}
	return d, nil
}

// Lookup asks b about every key, with at most limit queries in flight at
// once, and returns the answers in the order of keys.
func Lookup(_ context.Context, b Backend, keys []string, limit int) ([]string, error) {
	if limit < 1 {
		panic(fmt.Sprintf("fanout: Lookup needs a limit of at least 1, got %d", limit))
	}
	g, ctx := errgroup.WithContext(context.Background())
	g.SetLimit(limit)
	answers := make([]string, len(keys))
	for i, key := range keys {
		if ctx.Err() != nil {
			break
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
