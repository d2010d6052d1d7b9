// Package pipenet is an in-memory network for tests: a net.Listener whose
// connections are net.Pipe pairs, and a dialer that makes them.
//
// Real sockets are not durably blocking for testing/synctest, so an HTTP
// server on a real port inside a bubble stops virtual time from advancing.
// Over pipes, a real http.Server and http.Client run inside the bubble and
// every timing is exact: a handler that sleeps 2s answers at exactly 2s of
// virtual time, a client deadline of 300ms fires at exactly 300ms.
//
// Make the Listener inside the bubble (its channels must belong to it), serve
// on it, talk to it through Transport, and before the bubble ends shut the
// server down and close the transport's idle connections, or their
// goroutines remain.
package pipenet

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// A Listener hands out the server ends of in-memory connections. It is safe
// for concurrent use.
type Listener struct {
	conns  chan net.Conn
	closed chan struct{}
	once   sync.Once
}

// Listen returns a listener with no connections yet.
func Listen() *Listener {
	return &Listener{conns: make(chan net.Conn), closed: make(chan struct{})}
}

// Accept waits for the next connection, and returns net.ErrClosed once the
// listener is closed, which is how http.Server.Serve learns to stop.
func (l *Listener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.closed:
		return nil, net.ErrClosed
	}
}

// Close stops Accept and Dial. Connections already made stay open.
func (l *Listener) Close() error {
	l.once.Do(func() { close(l.closed) })
	return nil
}

// Addr is a placeholder address: there is no real one.
func (l *Listener) Addr() net.Addr { return pipeAddr{} }

// DialContext makes a connection and waits until the server accepts it, the
// context ends, or the listener is closed. Its signature fits
// http.Transport.DialContext; network and address are ignored.
func (l *Listener) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	client, server := net.Pipe()
	select {
	case l.conns <- server:
		return client, nil
	case <-ctx.Done():
	case <-l.closed:
	}
	client.Close()
	server.Close()
	if err := ctx.Err(); err != nil {
		return nil, &net.OpError{Op: "dial", Net: "pipe", Err: err}
	}
	return nil, &net.OpError{Op: "dial", Net: "pipe", Err: net.ErrClosed}
}

// Transport returns an HTTP transport that dials this listener. Call its
// CloseIdleConnections before the test ends: kept-alive connections hold a
// goroutine each.
func (l *Listener) Transport() *http.Transport {
	return &http.Transport{DialContext: l.DialContext}
}

type pipeAddr struct{}

func (pipeAddr) Network() string { return "pipe" }
func (pipeAddr) String() string  { return "pipe" }
