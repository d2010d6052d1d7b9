package pipenet_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/pipenet"
)

// serve starts srv on a new listener and returns a client for it and a
// function that shuts both down, as every test must before its bubble ends.
func serve(t *testing.T, srv *http.Server) (*http.Client, func()) {
	t.Helper()
	l := pipenet.Listen()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	tr := l.Transport()
	return &http.Client{Transport: tr}, func() {
		if err := srv.Shutdown(context.Background()); err != nil {
			t.Errorf("Shutdown: %v", err)
		}
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("Serve returned %v, want http.ErrServerClosed", err)
		}
		tr.CloseIdleConnections()
	}
}

func TestAHandlerThatTakesTwoSecondsAnswersAtExactlyTwoSeconds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		client, stop := serve(t, &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(2 * time.Second)
			w.WriteHeader(http.StatusAccepted)
		})})
		defer stop()

		start := time.Now()
		resp, err := client.Post("http://pipe/orders", "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			t.Errorf("status %d, want 202", resp.StatusCode)
		}
		if got := time.Since(start); got != 2*time.Second {
			t.Errorf("answered after %v, want exactly 2s", got)
		}
	})
}

func TestAClientDeadlineFiresAtExactlyItsTime(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		client, stop := serve(t, &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(time.Hour):
			case <-r.Context().Done():
			}
		})})
		defer stop()

		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://pipe/slow", nil)
		start := time.Now()
		_, err := client.Do(req)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
		if got := time.Since(start); got != 300*time.Millisecond {
			t.Errorf("gave up after %v, want exactly 300ms", got)
		}
	})
}

func TestReadHeaderTimeoutClosesASilentConnectionAtExactlyItsTime(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		l := pipenet.Listen()
		srv := &http.Server{
			Handler:           http.NotFoundHandler(),
			ReadHeaderTimeout: 5 * time.Second,
		}
		go srv.Serve(l)
		defer srv.Shutdown(context.Background())

		conn, err := l.DialContext(context.Background(), "pipe", "")
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		start := time.Now()
		io.WriteString(conn, "GET / HTTP/1.1\r\n") // and never the rest of the header
		// The server may answer 408 before it closes; read until it does.
		io.Copy(io.Discard, conn)
		if got := time.Since(start); got != 5*time.Second {
			t.Errorf("the server closed the silent connection after %v, want exactly 5s", got)
		}
	})
}

func TestDialAfterCloseFails(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		l := pipenet.Listen()
		l.Close()
		if _, err := l.DialContext(context.Background(), "pipe", ""); !errors.Is(err, net.ErrClosed) {
			t.Errorf("Dial after Close: got %v, want net.ErrClosed", err)
		}
		if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
			t.Errorf("Accept after Close: got %v, want net.ErrClosed", err)
		}
	})
}

func TestDialGivesUpWhenItsContextEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		l := pipenet.Listen() // nobody accepts
		defer l.Close()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_, err := l.DialContext(ctx, "pipe", "")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("got %v, want context.DeadlineExceeded", err)
		}
	})
}
