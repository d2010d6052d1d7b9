package capstone_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/wherewaiting/workshop/internal/effect"
	"github.com/wherewaiting/workshop/internal/pipenet"
	capstone "github.com/wherewaiting/workshop/lessons/11-capstone"
)

// tea is a valid order.
const tea = `{"item":"tea","quantity":2}`

// batchDelay is how long bbolt's Batch gathers writes before it commits
// them together (DB.MaxBatchDelay's default): a 202 comes that long after
// its POST, once the order is on disk.
const batchDelay = 10 * time.Millisecond

// A warehouse is the dependency the workers send orders to, served over
// an in-memory network of its own. It reserves stock (an effect, counted)
// once per Idempotency-Key, as a careful dependency does.
type warehouse struct {
	origin  time.Time
	effects *effect.Store

	mu         sync.Mutex
	latency    time.Duration
	latencyOf  func(n int) time.Duration              // the latency of call n (from 1); nil: latency
	status     func(n int) int                        // the status of call n (from 1); nil: 200
	loseAnswer func(orderID string, attempt int) bool // this attempt reserves the stock, then its answer is lost
	detached   bool                                   // it finishes a reservation whose caller left, and answers 409 to a repeat meanwhile
	reserving  map[string]bool                        // Idempotency-Keys being reserved
	reserved   map[string]bool                        // Idempotency-Keys reserved: a repeat is answered at once
	calls      []whCall
	inFlight   int
	peak       int

	l      *pipenet.Listener
	srv    *http.Server
	served chan error
}

// whCall is one call as the warehouse saw it.
type whCall struct {
	at      time.Duration // from the test's start
	ended   time.Duration // when the warehouse was done with it: answered, or its caller left
	orderID string
	header  http.Header
}

func newWarehouse(origin time.Time, latency time.Duration) *warehouse {
	w := &warehouse{origin: origin, effects: effect.New("reservation"), latency: latency,
		l: pipenet.Listen(), served: make(chan error, 1)}
	w.srv = &http.Server{Handler: http.HandlerFunc(w.serve)}
	go func() { w.served <- w.srv.Serve(w.l) }()
	return w
}

func (w *warehouse) serve(rw http.ResponseWriter, r *http.Request) {
	var o struct {
		OrderID string `json:"order_id"`
	}
	json.NewDecoder(r.Body).Decode(&o)
	w.mu.Lock()
	w.calls = append(w.calls, whCall{at: time.Since(w.origin), orderID: o.OrderID, header: r.Header.Clone()})
	n, attempt := len(w.calls), 0
	for _, c := range w.calls {
		if c.orderID == o.OrderID {
			attempt++
		}
	}
	latency, status, lose, detached := w.latency, w.status, w.loseAnswer, w.detached
	if w.latencyOf != nil {
		latency = w.latencyOf(n)
	}
	key := r.Header.Get("Idempotency-Key")
	if detached && key != "" && w.reserving[key] {
		w.calls[n-1].ended = time.Since(w.origin)
		w.mu.Unlock()
		rw.WriteHeader(http.StatusConflict) // the first request with this key is still being served
		return
	}
	if detached && key != "" {
		if w.reserving == nil {
			w.reserving, w.reserved = map[string]bool{}, map[string]bool{}
		}
		w.reserving[key] = true
		if w.reserved[key] {
			latency = 0
		}
	}
	w.inFlight++
	w.peak = max(w.peak, w.inFlight)
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.inFlight--
		if w.calls[n-1].ended == 0 {
			w.calls[n-1].ended = time.Since(w.origin)
		}
		if w.reserving[key] {
			delete(w.reserving, key)
			w.reserved[key] = true
		}
		w.mu.Unlock()
	}()
	if detached {
		time.Sleep(latency) // whether the caller waits or not
	} else {
		select {
		case <-time.After(latency):
		case <-r.Context().Done():
			return // the caller left before anything happened
		}
	}
	code := http.StatusOK
	if status != nil {
		if code = status(n); code != http.StatusOK && code != http.StatusCreated {
			rw.WriteHeader(code)
			return
		}
	}
	var receipt string
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		receipt = w.effects.Keyed(o.OrderID, key)
	} else {
		receipt = w.effects.Apply(o.OrderID)
	}
	w.mu.Lock()
	lost := lose != nil && lose(o.OrderID, attempt)
	w.mu.Unlock()
	if lost {
		<-r.Context().Done() // reserved, but the answer never reaches the caller
		return
	}
	rw.WriteHeader(code)
	io.WriteString(rw, receipt)
}

func (w *warehouse) set(f func(w *warehouse)) {
	w.mu.Lock()
	defer w.mu.Unlock()
	f(w)
}

func (w *warehouse) callList() []whCall {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.calls)
}

// callsFor counts the calls made for one order.
func (w *warehouse) callsFor(id string) int {
	n := 0
	for _, c := range w.callList() {
		if c.orderID == id {
			n++
		}
	}
	return n
}

func (w *warehouse) peakInFlight() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.peak
}

func (w *warehouse) stop(t *testing.T) {
	w.srv.Close()
	if err := <-w.served; !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("the warehouse's server: %v", err)
	}
}

// patience is how long a client waits before it calls the service stuck.
// It costs nothing: virtual time passes instantly.
const patience = time.Hour

// A rig is the service on a real bbolt file, served over an in-memory
// network, with a client and a warehouse.
type rig struct {
	t        *testing.T
	origin   time.Time
	path     string
	readOnly bool // the next start opens the file read-only: every write fails
	cfg      capstone.Config
	wh       *warehouse
	whTr     *http.Transport

	db     *bolt.DB
	svc    *capstone.Service
	l      *pipenet.Listener
	srv    *http.Server // nil when capstone.Serve serves
	served chan error
	tr     *http.Transport
	client *http.Client

	// with capstone.Serve
	cancel context.CancelFunc
	report capstone.Report
	ended  time.Duration // when Serve returned, from the test's start
}

// newRig starts a service with cfg (its DB, Warehouse and Client are
// filled in) and a warehouse that answers after latency. Call it inside
// the bubble; defer its stop.
func newRig(t *testing.T, cfg capstone.Config, latency time.Duration) *rig {
	t.Helper()
	r := &rig{t: t, origin: time.Now(), path: filepath.Join(t.TempDir(), "orders.db")}
	r.wh = newWarehouse(r.origin, latency)
	r.whTr = r.wh.l.Transport()
	cfg.Warehouse = "http://warehouse/reservations"
	cfg.Client = &http.Client{Transport: r.whTr}
	if cfg.Rand == nil {
		cfg.Rand = func() float64 { return 0.5 }
	}
	r.cfg = cfg
	r.start()
	return r
}

// start opens the file and starts the service on it, as a process does.
func (r *rig) start() {
	r.t.Helper()
	r.open()
	r.srv = &http.Server{Handler: r.svc.Handler()}
	served, srv, l := make(chan error, 1), r.srv, r.l
	r.served = served
	go func() { served <- srv.Serve(l) }()
}

// serve starts a service on the rig's file as main would: capstone.Serve
// serves it until the returned function is called (the signal), then shuts
// down within grace. The rig's served channel is closed when Serve returns.
func (r *rig) serve(grace time.Duration) (signal func()) {
	r.t.Helper()
	r.open()
	r.srv = nil
	ctx, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	served, l, svc := make(chan error, 1), r.l, r.svc
	r.served = served
	go func() {
		report, err := capstone.Serve(ctx, l, svc, grace)
		r.report, r.ended = report, time.Since(r.origin)
		served <- err
		close(served)
	}()
	return cancel
}

// open opens the rig's file (read-only if readOnly says so), makes a
// service on it, and a listener and a client for whoever serves it.
func (r *rig) open() {
	r.t.Helper()
	db, err := bolt.Open(r.path, 0o600, &bolt.Options{ReadOnly: r.readOnly})
	if err != nil {
		r.t.Fatalf("opening %s: %v", r.path, err)
	}
	r.db = db
	cfg := r.cfg
	cfg.DB = db
	svc, err := capstone.New(cfg)
	if err != nil {
		db.Close()
		r.t.Fatalf("capstone.New: %v", err)
	}
	r.svc = svc
	r.l = pipenet.Listen()
	r.tr = r.l.Transport()
	r.client = &http.Client{Transport: r.tr, Timeout: patience, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse // the tests look at each 303 themselves
	}}
}

// kill stops the process the hard way: the file is closed at once, so
// nothing more reaches the disk, and every goroutine of the service is
// told to stop without a grace.
func (r *rig) kill() {
	r.t.Helper()
	r.db.Close()
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	shutdown := func() {
		start := time.Now()
		r.svc.Shutdown(gone)
		if took := time.Since(start); took > 0 {
			r.t.Fatalf("Shutdown, given a context that had already ended (the process is killed), took %v: a shutdown never "+
				"outlasts its ctx. Wait for DrainDelay or ctx.Done(), whichever comes first, and so for every wait in it", took)
		}
	}
	if r.srv == nil { // served by capstone.Serve
		r.cancel()
		r.tr.CloseIdleConnections()
		<-r.served
		shutdown()
		synctest.Wait()
		return
	}
	shutdown()
	r.srv.Close()
	<-r.served
	r.tr.CloseIdleConnections()
	synctest.Wait()
}

// restart kills the process and starts a new one on the same file.
func (r *rig) restart() {
	r.t.Helper()
	r.kill()
	r.start()
}

// stop shuts everything down gently, at the end of a test.
func (r *rig) stop() {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	if r.srv == nil { // served by capstone.Serve
		r.cancel()
		r.tr.CloseIdleConnections()
		<-r.served
		r.svc.Shutdown(ctx)
	} else {
		r.svc.Shutdown(ctx)
		r.srv.Shutdown(ctx)
		<-r.served
	}
	r.tr.CloseIdleConnections()
	r.db.Close()
	r.whTr.CloseIdleConnections()
	r.wh.stop(r.t)
	// Let anything still under way end (virtual time costs nothing): in
	// correct code nothing is; a goroutine still stuck after an hour leaks.
	time.Sleep(time.Hour)
	synctest.Wait()
}

// A reply is an HTTP response, read whole.
type reply struct {
	status int
	header http.Header
	body   string
	at     time.Duration // when it came, from the test's start
	took   time.Duration // how long the client waited for it
	close  bool          // the server said Connection: close (the client's transport takes the header out)
}

func (p reply) String() string {
	return fmt.Sprintf("%d at %v (Location %q, Retry-After %q, Content-Type %q) %s",
		p.status, p.at, p.header.Get("Location"), p.header.Get("Retry-After"), p.header.Get("Content-Type"), strings.TrimSpace(p.body))
}

// alice is the client every request comes from, unless it says otherwise.
const alice = "alice"

// do sends a request as a client would, as alice, with headers given as
// name, value pairs (an empty value leaves the header out).
func (r *rig) do(method, path, body string, headers ...string) reply {
	r.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://shop"+path, rd)
	if err != nil {
		r.t.Fatal(err)
	}
	req.Header.Set(capstone.ClientHeader, alice) // unless the headers say otherwise
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: string(b), at: time.Since(r.origin), took: time.Since(start), close: resp.Close}
}

// post sends an order with an Idempotency-Key, and more headers if given.
func (r *rig) post(key, body string, headers ...string) reply {
	r.t.Helper()
	return r.do(http.MethodPost, "/orders", body, append([]string{"Idempotency-Key", key}, headers...)...)
}

// get asks for path.
func (r *rig) get(path string) reply {
	r.t.Helper()
	return r.do(http.MethodGet, path, "")
}

// accepted posts an order that must be accepted, and returns its ID.
func (r *rig) accepted(key, body string, headers ...string) string {
	r.t.Helper()
	p := r.post(key, body, headers...)
	if p.status != http.StatusAccepted || !strings.HasPrefix(p.header.Get("Location"), "/orders/") {
		r.t.Fatalf("the order with key %s should be accepted with 202 and a Location /orders/ID; got %v", key, p)
	}
	return strings.TrimPrefix(p.header.Get("Location"), "/orders/")
}

// result follows an order's status to its result, and returns the result
// document; it fails the test if the order is not finished.
func (r *rig) result(id string) (state, receipt, reason string) {
	r.t.Helper()
	p := r.get("/orders/" + id)
	if p.status != http.StatusSeeOther || p.header.Get("Location") != "/orders/"+id+"/result" {
		r.t.Fatalf("at %v order %s should be finished: GET /orders/%s should answer 303 See Other to /orders/%s/result; got %v",
			p.at, id, id, id, p)
	}
	res := r.get(p.header.Get("Location"))
	var doc struct{ State, Receipt, Reason string }
	if res.status != http.StatusOK || json.Unmarshal([]byte(res.body), &doc) != nil {
		r.t.Fatalf("the result of order %s should be 200 with a JSON document; got %v", id, res)
	}
	return doc.State, doc.Receipt, doc.Reason
}

// at sleeps until d after start, then lets everything due at that instant
// happen before the test looks.
func at(start time.Time, d time.Duration) {
	time.Sleep(time.Until(start.Add(d)))
	synctest.Wait()
}

// problemOf reads an RFC 9457 problem details document.
func problemOf(t *testing.T, p reply) (status int, title, detail string) {
	t.Helper()
	var doc struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if p.header.Get("Content-Type") != "application/problem+json" || json.Unmarshal([]byte(p.body), &doc) != nil {
		t.Fatalf("an error should be told as problem details (RFC 9457): Content-Type application/problem+json and a JSON body "+
			"with type, title, status and detail; got %v", p)
	}
	return doc.Status, doc.Title, doc.Detail
}
