// Mistake: Handle returns the dashboard with whatever parts did arrive together with the first error ("the caller can show what is there"), so a caller gets part of a dashboard that looks like data alongside a failure.
// Caught by: TestHandleReturnsNoPartOfTheDashboardWhenAPartFails, TestHandleGivesUpWhenTheCallerDoes

package fanout

// Handle asks the three backends for userID's parts, all at the same time,
// and waits for all three.
func (s *Service) Handle(ctx context.Context, userID string) (Dashboard, error) {
	g, ctx := errgroup.WithContext(ctx)
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
	// Whatever arrived is still worth showing; the error says what is missing.
	return d, g.Wait()
}
