// Mistake: a zero errgroup.Group is used with the caller's ctx: Wait still returns the first error, but nothing cancels the other queries, so the caller waits for the slowest of them after the dashboard has already failed.
// Caught by: TestTheFirstErrorEndsHandleAtOnce, TestTheFirstErrorCancelsTheOtherQueries, TestHandleReturnsOnlyAfterEveryQueryHasStopped

package fanout

// Handle asks the three backends for userID's parts ("profile:<userID>",
// "orders:<userID>", "recommendations:<userID>"), all at the same time, and
// waits for all three: the caller waits as long as the slowest one. The
// first part to fail ends the wait: the other queries are cancelled, and
// Handle returns that first error, which names the part.
func (s *Service) Handle(ctx context.Context, userID string) (Dashboard, error) {
	var g errgroup.Group // no context: the first error stops nobody
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
