package capstone

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
	"time"
)

// NewServer returns an HTTP server for h with a timeout for every phase of
// a connection, so that no client can hold one for ever: a slow header
// (Slowloris), a slow body, a slow reader, an idle keep-alive.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
	}
}

// A Report says how a shutdown went.
type Report struct {
	// Unfinished lists the orders not finished when the grace ended,
	// sorted: they stay on disk, and the next start sends them.
	Unfinished []string
}

// Shutdown stops the service in order, within ctx:
//
//  1. readiness flips to unready, and orders are still taken for
//     DrainDelay: a load balancer notices the flip only at its next
//     probes, and sends new orders here until then;
//  2. intake stops (new orders get 503), and the orders admitted before
//     are queued;
//  3. the workers drain the queue until it is empty or ctx ends.
//
// Orders left then are reported, and kept for the next start.
func (s *Service) Shutdown(ctx context.Context) Report {
	s.mu.Lock()
	s.ready = false
	s.mu.Unlock()
	delay := time.NewTimer(s.cfg.DrainDelay)
	select {
	case <-delay.C:
	case <-ctx.Done():
		delay.Stop()
	}

	s.mu.Lock()
	s.intake = false
	s.mu.Unlock()
	waitUntil(ctx, s.admitting.Wait) // orders admitted a moment ago are queued first
	s.queue.Close()

	drained := make(chan struct{})
	go func() {
		s.workers.Wait()
		close(drained)
	}()
	select {
	case <-drained:
	case <-ctx.Done():
		s.stop() // the workers leave their calls; nothing is written for them
		<-drained
	}
	s.stop()
	s.sweeper.Wait()

	s.mu.Lock()
	defer s.mu.Unlock()
	var report Report
	for id := range s.inFlight {
		report.Unfinished = append(report.Unfinished, id)
	}
	for id, turn := range s.waiting {
		turn.Stop()
		s.queue.Unreserve()
		delete(s.waiting, id)
		report.Unfinished = append(report.Unfinished, id)
	}
	report.Unfinished = append(report.Unfinished, s.queue.Left()...)
	slices.Sort(report.Unfinished)
	return report
}

// waitUntil runs wait and returns when it does, or when ctx ends: a write
// that hangs past the grace leaves its order on disk, or never promised.
func waitUntil(ctx context.Context, wait func()) {
	done := make(chan struct{})
	go func() {
		wait()
		close(done)
	}()
	select {
	case <-done:
	case <-ctx.Done():
	}
}

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
		srv.SetKeepAlivesEnabled(false) // a client on a kept-alive connection reconnects, and the load balancer sends it elsewhere
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
