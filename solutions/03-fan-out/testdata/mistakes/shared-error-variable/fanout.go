// Mistake: the sequential code is turned into goroutines as it was, so all three closures assign the one err variable declared above them: a data race (each field is written by one goroutine only, but err is written by all three).
// Caught by: TestHandleWaitsForTheSlowestBackendNotTheSum (race)

package fanout

// Handle asks the three backends for userID's parts ("profile:<userID>",
// "orders:<userID>", "recommendations:<userID>"), all at the same time, and
// waits for all three: the caller waits as long as the slowest one. The
// first part to fail ends the wait: the other queries are cancelled, and
// Handle returns that first error, which names the part.
func (s *Service) Handle(ctx context.Context, userID string) (Dashboard, error) {
	g, ctx := errgroup.WithContext(ctx)
	var d Dashboard
	var err error
	g.Go(func() error {
		d.Profile, err = ask(ctx, s.profiles, "profile", userID)
		return err
	})
	g.Go(func() error {
		d.Orders, err = ask(ctx, s.orders, "orders", userID)
		return err
	})
	g.Go(func() error {
		d.Recommendations, err = ask(ctx, s.recommendations, "recommendations", userID)
		return err
	})
	if err = g.Wait(); err != nil {
		return Dashboard{}, err
	}
	return d, nil
}
