//go:build draft

package capstone

import (
	"context"
	"net"
	"net/http"
	"time"
)

// NewServer returns an HTTP server for h.
//
// TODO(6): a timeout for every phase of a connection, so that no client
// can hold one for ever: ReadHeaderTimeout (a slow header, Slowloris),
// ReadTimeout (a slow body), WriteTimeout (a client that does not read),
// IdleTimeout (a keep-alive nobody uses).
func NewServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h}
}

// A Report says how a shutdown went.
type Report struct {
	// Unfinished lists the orders still pending when the grace ended,
	// sorted: they stay on disk, and the next start sends them.
	Unfinished []string
}

// Shutdown stops the service. As it stands it stops at once: nothing is
// lost (unfinished orders stay pending on disk), but nothing is drained
// either, and nobody is told.
//
// TODO(6): stop in order: readiness flips to unready first (s.ready),
// intake stops (s.intake: admit refuses with 503), the queue is closed and
// the workers drain it until ctx ends; then stop them (s.stop), and report
// the orders left: those in flight (s.inFlight) and those still queued
// (s.queue.Left), sorted.
func (s *Service) Shutdown(ctx context.Context) Report {
	s.stop()
	s.workers.Wait()
	return Report{}
}

// Serve serves svc on l until ctx ends (main makes ctx with
// signal.NotifyContext for SIGINT and SIGTERM), then shuts down.
//
// TODO(6): shut down within grace, in order: the service first (while the
// server still answers status requests and refuses new orders), then the
// server (srv.Shutdown, and srv.Close if the grace is over).
func Serve(ctx context.Context, l net.Listener, svc *Service, grace time.Duration) (Report, error) {
	srv := NewServer(svc.Handler())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	select {
	case err := <-served:
		return svc.Shutdown(context.Background()), err
	case <-ctx.Done():
	}
	srv.Close()
	<-served
	return svc.Shutdown(context.Background()), nil
}
