// Mistake: Handle returns the first error the moment a part reports it, without waiting for the group ("the cancelled queries stop on their own"), so the queries it cancelled are still running, for nobody, when it returns.
// Caught by: TestHandleReturnsOnlyAfterEveryQueryHasStopped

package fanout

// Handle asks the three backends for userID's parts, all at the same time,
// and waits for all three.
func (s *Service) Handle(ctx context.Context, userID string) (Dashboard, error) {
	g, ctx := errgroup.WithContext(ctx)
	var d Dashboard
	// Each part reports its failure here, so that the first one can end
	// Handle at once, without waiting for the queries it cancelled.
	failed := make(chan error, 3)
	g.Go(func() (err error) {
		if d.Profile, err = ask(ctx, s.profiles, "profile", userID); err != nil {
			failed <- err
		}
		return err
	})
	g.Go(func() (err error) {
		if d.Orders, err = ask(ctx, s.orders, "orders", userID); err != nil {
			failed <- err
		}
		return err
	})
	g.Go(func() (err error) {
		if d.Recommendations, err = ask(ctx, s.recommendations, "recommendations", userID); err != nil {
			failed <- err
		}
		return err
	})
	done := make(chan error, 1)
	go func() { done <- g.Wait() }()
	select {
	case err := <-failed:
		return Dashboard{}, err
	case err := <-done:
		if err != nil {
			return Dashboard{}, err
		}
		return d, nil
	}
}
