package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// The HTTP contract of the order service, as the harness speaks it:
//
//	POST /orders  {"id": 7, "class": 0, "work": 1500000}
//	    Request-Timeout: 250ms      how long the caller will wait (relative:
//	                                clocks of two machines disagree)
//	  → 200 OK             the result (synchronous)
//	  → 202 Accepted       Location: /orders/7, Retry-After: 1
//	  → 503 Unavailable    Retry-After: 1 (no room now)
//	  → 504 Gateway Timeout  the caller's timeout passed first
//	  → 400 Bad Request    a body that is not an order
//	GET /orders/7?wait=250ms  (waits up to that long for the result)
//	  → 303 See Other      fulfilled (Location: /orders/7/result)
//	  → 200 OK             {"state":"pending"} or {"state":"dropped"}
//	  → 404 Not Found      unknown, or its result has expired
//
// An order without an ID gets one from the server.

// orderBody is an order on the wire.
type orderBody struct {
	ID    int64 `json:"id"`
	Seq   int   `json:"seq"`
	Class Class `json:"class"`
	Work  int64 `json:"work"` // nanoseconds
}

// Handler serves svc over HTTP.
func Handler(svc Service) http.Handler {
	var ids atomic.Int64
	ids.Store(1 << 40) // server-made IDs, far from the clients'
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", func(w http.ResponseWriter, r *http.Request) {
		var b orderBody
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<10)).Decode(&b); err != nil || b.Work < 0 {
			http.Error(w, "the body is not an order", http.StatusBadRequest)
			return
		}
		if b.ID == 0 {
			b.ID = ids.Add(1)
		}
		ctx := r.Context()
		if d, err := time.ParseDuration(r.Header.Get("Request-Timeout")); err == nil {
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, d)
			defer cancel()
		}
		o := Order{ID: b.ID, Seq: b.Seq, Class: b.Class, Work: time.Duration(b.Work)}
		rec, err := svc.Place(ctx, o)
		switch {
		case errors.Is(err, ErrRefused):
			w.Header().Set("Retry-After", "1")
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
		case err != nil:
			http.Error(w, err.Error(), http.StatusGatewayTimeout)
		case rec.Done:
			w.WriteHeader(http.StatusOK)
		default:
			w.Header().Set("Location", fmt.Sprintf("/orders/%d", b.ID))
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusAccepted)
		}
	})
	mux.HandleFunc("GET /orders/{id}", func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		wait, _ := time.ParseDuration(r.URL.Query().Get("wait"))
		ctx, cancel := context.WithTimeout(r.Context(), min(max(wait, 0), 30*time.Second))
		defer cancel()
		switch err := svc.Wait(ctx, id); {
		case err == nil:
			w.Header().Set("Location", fmt.Sprintf("/orders/%d/result", id))
			w.WriteHeader(http.StatusSeeOther)
		case errors.Is(err, ErrUnknown):
			http.NotFound(w, r)
		case errors.Is(err, ErrDropped):
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"state":"dropped"}`)
		default:
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"state":"pending"}`)
		}
	})
	return mux
}

// Remote is a Service on the other end of HTTP: what a client of the real
// service calls. Base is the server's root URL (http://127.0.0.1:8080).
type Remote struct {
	Base   string
	Client *http.Client // its CheckRedirect must return http.ErrUseLastResponse
}

// NewRemote returns a Remote with its own connection pool.
func NewRemote(base string, conns int) *Remote {
	return &Remote{Base: base, Client: &http.Client{
		Transport:     &http.Transport{MaxIdleConnsPerHost: conns, MaxIdleConns: conns},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// grace is how much longer the client waits than it tells the server, so
// the server's own answer (504) comes before the client hangs up, and the
// connection can be used again.
const grace = 50 * time.Millisecond

// Place posts the order.
func (c *Remote) Place(ctx context.Context, o Order) (Receipt, error) {
	body, _ := json.Marshal(orderBody{ID: o.ID, Seq: o.Seq, Class: o.Class, Work: int64(o.Work)})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Base+"/orders", bytes.NewReader(body))
	if err != nil {
		return Receipt{}, err
	}
	if d, ok := ctx.Deadline(); ok {
		req.Header.Set("Request-Timeout", time.Until(d).String())
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), d.Add(grace))
		defer cancel()
		req = req.WithContext(ctx)
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		return Receipt{}, fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
	}
	defer drain(resp)
	switch resp.StatusCode {
	case http.StatusOK:
		return Receipt{Done: true}, nil
	case http.StatusAccepted:
		return Receipt{}, nil
	case http.StatusServiceUnavailable:
		return Receipt{}, ErrRefused
	case http.StatusGatewayTimeout:
		return Receipt{}, context.DeadlineExceeded
	}
	return Receipt{}, fmt.Errorf("POST /orders: %s", resp.Status)
}

// Wait asks for the order's result, waiting on the server (long polling)
// until ctx ends.
func (c *Remote) Wait(ctx context.Context, id int64) error {
	for {
		wait := time.Second
		if d, ok := ctx.Deadline(); ok {
			wait = time.Until(d)
		}
		if wait <= 0 {
			return context.DeadlineExceeded
		}
		url := fmt.Sprintf("%s/orders/%d?wait=%s", c.Base, id, wait)
		req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		cctx, cancel := context.WithTimeout(req.Context(), wait+grace)
		resp, err := c.Client.Do(req.WithContext(cctx))
		if err != nil {
			cancel()
			return fmt.Errorf("%w: %w", context.DeadlineExceeded, err)
		}
		state := resp.StatusCode
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<10))
		drain(resp)
		cancel()
		switch {
		case state == http.StatusSeeOther:
			return nil
		case state == http.StatusNotFound:
			return ErrUnknown
		case state == http.StatusOK && string(b) == `{"state":"dropped"}`:
			return ErrDropped
		case state != http.StatusOK:
			return fmt.Errorf("GET /orders/%d: %d", id, state)
		}
	}
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
}
