// Mistake: keep-alives stay on through the shutdown, so a client on a kept-alive connection keeps coming back to the leaving process until intake stops, and is refused there.
// Caught by: TestShutdownFlipsReadinessFirstAndStopsIntakeBeforeItDrains

package capstone

// Serve serves svc on l until ctx ends (main makes ctx with
// signal.NotifyContext for SIGINT and SIGTERM), then shuts down within
// grace: the service first, while the server still answers status
// requests, for nine tenths of the grace; then the server, which has what
// is left, at least a tenth, to let the requests under way end.
func Serve(ctx context.Context, l net.Listener, svc *Service, grace time.Duration) (Report, error) {
	srv := NewServer(svc.Handler())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	var serveErr error
	select {
	case serveErr = <-served: // the listener failed: nobody can reach us, drain what we have
	case <-ctx.Done():
	}
	end := time.Now().Add(grace)
	svcCtx, cancel := context.WithDeadline(context.Background(), time.Now().Add(grace*9/10))
	defer cancel()
	report := svc.Shutdown(svcCtx)
	if serveErr != nil {
		srv.Close()
		return report, serveErr
	}
	srvCtx, cancel := context.WithDeadline(context.Background(), end)
	defer cancel()
	err := srv.Shutdown(srvCtx)
	if err != nil {
		srv.Close() // past the grace: cut the connections still open
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return report, err
}
