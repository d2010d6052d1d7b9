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
	// Unfinished lists the orders not finished when the grace ended,
	// sorted: they stay on disk, and the next start sends them.
	Unfinished []string
}

// Shutdown stops the service. As it stands it stops at once: nothing is
// lost (unfinished orders stay on disk), but nothing is drained either,
// and nobody is told.
//
// TODO(6): stop in order, within ctx: readiness flips to unready first
// (s.ready), and orders are still taken for DrainDelay (a load balancer
// notices the flip only at its next probes); then intake stops (s.intake:
// admit refuses with 503), the orders admitted before are waited for
// (s.admitting, no longer than ctx), the queue is closed and the workers drain it until ctx
// ends; then stop them (s.stop), wait for the sweeper, and report the
// orders left: those in flight (s.inFlight), those waiting for their next
// turn (s.waiting: stop each timer), and those still queued
// (s.queue.Left), sorted.
func (s *Service) Shutdown(ctx context.Context) Report {
	s.stop()
	s.workers.Wait()
	s.sweeper.Wait()
	return Report{}
}

// waitUntil runs wait and returns when it does, or when ctx ends: a write
// that hangs past the grace leaves its order on disk, or never promised.
//
//lint:ignore U1000 for exercise 6: Shutdown waits for admitted orders with it
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
// signal.NotifyContext for SIGINT and SIGTERM), then shuts down.
//
// TODO(6): shut down within grace, in order: keep-alives off at the
// signal (srv.SetKeepAlivesEnabled: a client on a kept-alive connection
// reconnects, and the load balancer sends it elsewhere); the service
// first, for nine tenths of the grace (the server still answers status
// requests and refuses new orders meanwhile), then the server until the
// grace is over (srv.Shutdown, and srv.Close if it is), so that it has at
// least a tenth. If the listener fails first, shut the service down the
// same way, then close the server.
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
