//go:build draft

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
	// Unfinished lists the orders still pending when the grace ended,
	// sorted: they stay on disk, and the next start sends them.
	Unfinished []string
}

// Shutdown stops the service in order: readiness flips to unready first,
// intake stops (new orders get 503), then the workers drain the queue
// until ctx ends. Orders left then are reported, and kept for the next
// start.
func (s *Service) Shutdown(ctx context.Context) Report {
	s.mu.Lock()
	s.ready = false
	s.intake = false
	s.mu.Unlock()
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

	s.mu.Lock()
	defer s.mu.Unlock()
	var report Report
	for id := range s.inFlight {
		report.Unfinished = append(report.Unfinished, id)
	}
	report.Unfinished = append(report.Unfinished, s.queue.Left()...)
	slices.Sort(report.Unfinished)
	return report
}

// Serve serves svc on l until ctx ends (main makes ctx with
// signal.NotifyContext for SIGINT and SIGTERM), then shuts down within
// grace: the service first, while the server still answers status
// requests and refuses new orders, then the server.
func Serve(ctx context.Context, l net.Listener, svc *Service, grace time.Duration) (Report, error) {
	srv := NewServer(svc.Handler())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()

	select {
	case err := <-served:
		svc.Shutdown(context.Background())
		return Report{}, err
	case <-ctx.Done():
	}
	graceCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	report := svc.Shutdown(graceCtx)
	err := srv.Shutdown(graceCtx)
	if err != nil {
		srv.Close() // past the grace: cut the connections still open
	}
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return report, err
}
