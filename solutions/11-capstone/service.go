package capstone

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mathrand "math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Config sets up a Service. Zero values take the defaults in brackets.
type Config struct {
	DB        *bolt.DB     // where accepted orders are written down (required)
	Warehouse string       // the URL the workers POST orders to (required)
	Client    *http.Client // how they reach it [http.DefaultClient]

	Workers        int           // orders fulfilled at once [4]
	Queue          int           // orders that may wait for a worker [100]
	SheddableQueue int           // sheddable orders are refused once this many wait [Queue/2]
	Quota          int           // unfinished orders one client may have [10]
	MaxBody        int64         // the largest order body, in bytes [1024]
	DefaultTimeout time.Duration // how long an order may take when the client does not say [1m]
	PollAfter      time.Duration // Retry-After on 202 and on a pending status [1s]
	RetryAfter     time.Duration // Retry-After on 503 and 429 [5s]
	Retention      time.Duration // how long a finished order and its key are kept [24h]
	SweepEvery     time.Duration // how often orders past Retention are deleted [1m]
	DrainDelay     time.Duration // how long a shutdown keeps taking orders after readiness flips [5s]

	Bulkhead       int           // calls to the warehouse at once [2]
	AttemptTimeout time.Duration // how long one call to the warehouse may take [10s]
	BreakerAfter   int           // failed calls in a row that open the breaker [5]
	BreakerFor     time.Duration // how long it stays open [10s]
	Attempts       int           // attempts per turn of an order, the first included [3]
	RetryEvery     int           // one retry allowed per this many first attempts [10]
	BackoffBase    time.Duration // [100ms]
	BackoffCap     time.Duration // [1s]
	Rand           func() float64
	Requeue        time.Duration // how long an order whose turn failed waits before its next; doubled each turn [1s]
	RequeueCap     time.Duration // the longest wait between turns [1m]
	GiveUpAfter    time.Duration // how long past its deadline a sent order is asked again before it is left unknown [1h]
	KeyCache       time.Duration // how long an Idempotency-Key's answer is kept in memory; the store keeps it as long as its order [1m]
}

// Headers the service reads.
const (
	IdempotencyKeyHeader = "Idempotency-Key"
	ClientHeader         = "Client-Id"   // who is asking (required): quotas, keys and orders are per client. Anyone can set a header: in production the client comes from authentication (a token, a certificate).
	CriticalityHeader    = "Criticality" // "sheddable" marks an order that may be shed first
)

// MaxKeyLength bounds an Idempotency-Key or a Client-Id, in bytes: both
// are kept, in memory and on disk, and a client must not choose how much.
const MaxKeyLength = 255

// A Service takes orders over HTTP and fulfils them in the background.
type Service struct {
	cfg      Config
	store    *Store
	queue    *Queue
	keys     *Keys
	bulkhead *Bulkhead
	breaker  *Breaker
	budget   *Budget

	mu        sync.Mutex
	pending   map[string]int // unfinished orders per client
	intake    bool           // new orders are taken
	ready     bool           // what /readyz says
	inFlight  map[string]bool
	waiting   map[string]*time.Timer // orders waiting for their next turn (requeue)
	turns     map[string]int         // turns each unfinished order has had in this process
	admitting sync.WaitGroup         // orders admitted and not yet queued or given back

	stop    context.CancelFunc // ends the workers' and the sweeper's context
	workers sync.WaitGroup
	sweeper sync.WaitGroup
}

// New opens the service on cfg.DB: it finds the orders accepted before
// and not finished (a crash, a restart), queues them again, and starts the
// workers.
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil || cfg.Warehouse == "" {
		return nil, errors.New("capstone: Config needs a DB and a Warehouse")
	}
	if u, err := url.Parse(cfg.Warehouse); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("capstone: the Warehouse %q is not an http(s) URL", cfg.Warehouse)
	}
	setDefaults(&cfg)
	store, err := NewStore(cfg.DB)
	if err != nil {
		return nil, err
	}
	s := &Service{
		cfg:      cfg,
		store:    store,
		queue:    NewQueue(),
		keys:     NewKeys(cfg.KeyCache),
		bulkhead: NewBulkhead(cfg.Bulkhead),
		breaker:  NewBreaker(cfg.BreakerAfter, cfg.BreakerFor),
		budget:   NewBudget(cfg.RetryEvery, 10*cfg.RetryEvery),
		pending:  map[string]int{},
		inFlight: map[string]bool{},
		waiting:  map[string]*time.Timer{},
		turns:    map[string]int{},
		intake:   true,
		ready:    true,
	}
	if err := s.recover(); err != nil {
		return nil, err
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	for range cfg.Workers {
		s.workers.Go(func() { s.work(ctx) })
	}
	s.sweeper.Go(func() { s.sweep(ctx) })
	return s, nil
}

func setDefaults(cfg *Config) {
	or := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	orD := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	or(&cfg.Workers, 4)
	or(&cfg.Queue, 100)
	or(&cfg.SheddableQueue, max(cfg.Queue/2, 1))
	or(&cfg.Quota, 10)
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 1024
	}
	orD(&cfg.DefaultTimeout, time.Minute)
	orD(&cfg.PollAfter, time.Second)
	orD(&cfg.RetryAfter, 5*time.Second)
	orD(&cfg.Retention, 24*time.Hour)
	orD(&cfg.SweepEvery, time.Minute)
	orD(&cfg.DrainDelay, 5*time.Second)
	or(&cfg.Bulkhead, 2)
	orD(&cfg.AttemptTimeout, 10*time.Second)
	or(&cfg.BreakerAfter, 5)
	orD(&cfg.BreakerFor, 10*time.Second)
	or(&cfg.Attempts, 3)
	or(&cfg.RetryEvery, 10)
	orD(&cfg.BackoffBase, 100*time.Millisecond)
	orD(&cfg.BackoffCap, time.Second)
	orD(&cfg.Requeue, time.Second)
	orD(&cfg.RequeueCap, time.Minute)
	orD(&cfg.GiveUpAfter, time.Hour)
	orD(&cfg.KeyCache, time.Minute)
	if cfg.Rand == nil {
		cfg.Rand = mathrand.Float64
	}
}

// Handler routes the service's endpoints.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /orders", s.postOrder)
	mux.HandleFunc("GET /orders/{id}", s.getStatus)
	mux.HandleFunc("GET /orders/{id}/result", s.getResult)
	mux.HandleFunc("GET /readyz", s.getReady)
	return mux
}

// A problem is an error told the RFC 9457 way.
type problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
}

// writeProblem answers status with a problem details document. A non-zero
// retryAfter adds a Retry-After header, in whole seconds.
func writeProblem(w http.ResponseWriter, status int, detail string, retryAfter time.Duration) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", seconds(retryAfter))
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail})
}

// seconds writes d for Retry-After: whole seconds, rounded up.
func seconds(d time.Duration) string {
	return strconv.Itoa(int(math.Ceil(d.Seconds())))
}

// status is what GET /orders/{id} and its result say about an order.
type status struct {
	ID      string `json:"id"`
	State   State  `json:"state"`
	Href    string `json:"href,omitempty"` // where to ask next, for clients that do not read Location
	Receipt string `json:"receipt,omitempty"`
	Reason  string `json:"reason,omitempty"`
}

// acceptedAnswer is the 202 for order id: where to ask for its status, and
// when. RFC 9110 does not say what a 202 carries; a Location to a status
// resource and a Retry-After are the common convention (the asynchronous
// request-reply pattern), and the body says the same for clients that read
// only bodies.
func (s *Service) acceptedAnswer(id string) Answer {
	a := Answer{Status: http.StatusAccepted, Header: http.Header{}}
	a.Header.Set("Location", "/orders/"+id)
	a.Header.Set("Retry-After", seconds(s.cfg.PollAfter))
	a.Header.Set("Content-Type", "application/json")
	a.Body, _ = json.Marshal(status{ID: id, State: Pending, Href: "/orders/" + id})
	a.Body = append(a.Body, '\n')
	return a
}

// writeAnswer sends a kept answer.
func writeAnswer(w http.ResponseWriter, a Answer) {
	for name, values := range a.Header {
		w.Header()[name] = values
	}
	w.WriteHeader(a.Status)
	w.Write(a.Body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

// newID returns an order ID nobody can guess: 130 random bits from the
// operating system's generator, in base32 (26 characters).
func newID() string { return rand.Text() }

// readOrder reads and checks the body of POST /orders. It answers the
// client itself and returns false when the body is not a valid order.
func (s *Service) readOrder(w http.ResponseWriter, r *http.Request) (Order, []byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if tooBig := (*http.MaxBytesError)(nil); errors.As(err, &tooBig) {
		writeProblem(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("an order is at most %d bytes", tooBig.Limit), 0)
		return Order{}, nil, false
	}
	if err != nil {
		writeProblem(w, http.StatusBadRequest, "the body could not be read: "+err.Error(), 0)
		return Order{}, nil, false
	}
	var o Order
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		writeProblem(w, http.StatusBadRequest, "the body is not an order: "+err.Error(), 0)
		return Order{}, nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		writeProblem(w, http.StatusBadRequest, "the body holds more than one order", 0)
		return Order{}, nil, false
	}
	switch {
	case o.Item == "":
		writeProblem(w, http.StatusBadRequest, "item is required", 0)
		return Order{}, nil, false
	case o.Quantity < 1 || o.Quantity > 100:
		writeProblem(w, http.StatusBadRequest, "quantity must be from 1 to 100", 0)
		return Order{}, nil, false
	}
	return o, body, true
}

// postOrder takes an order: checked while the client waits, written down,
// then answered 202 and fulfilled later.
func (s *Service) postOrder(w http.ResponseWriter, r *http.Request) {
	client, key := r.Header.Get(ClientHeader), r.Header.Get(IdempotencyKeyHeader)
	switch {
	case client == "" || len(client) > MaxKeyLength:
		writeProblem(w, http.StatusBadRequest, fmt.Sprintf("%s is required, at most %d bytes: orders, keys and quotas are per client", ClientHeader, MaxKeyLength), 0)
		return
	case key == "" || len(key) > MaxKeyLength:
		writeProblem(w, http.StatusBadRequest, fmt.Sprintf("%s is required, at most %d bytes: a retry without one may order twice", IdempotencyKeyHeader, MaxKeyLength), 0)
		return
	}
	timeout := s.cfg.DefaultTimeout
	if h := r.Header.Get(TimeoutHeader); h != "" {
		var err error
		if timeout, err = ParseTimeout(h); err != nil {
			writeProblem(w, http.StatusBadRequest, err.Error(), 0)
			return
		}
	}
	order, body, ok := s.readOrder(w, r)
	if !ok {
		return
	}

	// The key is claimed before anything is queued: a repeat must never
	// become a second order. Memory knows the keys in flight and the
	// recent ones; the store knows every key whose order it keeps, across
	// restarts. The fingerprint is the body's bytes as sent: a retry must
	// send the same bytes, and its headers (Request-Timeout, Criticality)
	// are not compared.
	sum := sha256.Sum256(body)
	fingerprint := hex.EncodeToString(sum[:])
	scoped := client + "\n" + key
	replay, err := s.keys.Begin(scoped, fingerprint)
	if err == nil && replay == nil {
		replay, err = s.keptAnswer(scoped, fingerprint)
		switch {
		case replay != nil:
			s.keys.Complete(scoped, *replay)
		case err != nil:
			s.keys.Abandon(scoped)
		}
	}
	switch {
	case errors.Is(err, ErrKeyReused):
		writeProblem(w, http.StatusUnprocessableEntity, "key used for another order", 0)
		return
	case errors.Is(err, ErrInFlight):
		writeProblem(w, http.StatusConflict, "the first order with this key is in flight", 0)
		return
	case err != nil:
		writeProblem(w, http.StatusServiceUnavailable, "the key could not be checked", s.cfg.RetryAfter)
		return
	case replay != nil:
		writeAnswer(w, *replay)
		return
	}

	rec := Record{
		ID:       newID(),
		Client:   client,
		Key:      scoped,
		Order:    order,
		State:    Pending,
		Accepted: time.Now(),
		Deadline: time.Now().Add(timeout),
	}
	sheddable := r.Header.Get(CriticalityHeader) == "sheddable"
	if status, detail := s.admit(rec.Client, sheddable); status != 0 {
		s.keys.Abandon(scoped)
		writeProblem(w, status, detail, s.cfg.RetryAfter)
		return
	}
	// Accepted means written down: the order and its key, together.
	keyRec := KeyRecord{Fingerprint: fingerprint, OrderID: rec.ID}
	if err := s.store.Accept(rec, keyRec); err != nil {
		s.unadmit(rec.Client)
		s.keys.Abandon(scoped)
		s.notWritten(w, err)
		return
	}
	s.enqueue(rec.ID)

	answer := s.acceptedAnswer(rec.ID)
	s.keys.Complete(scoped, answer)
	writeAnswer(w, answer)
}

// notWritten refuses an order the store could not write down: 409 when
// its key already made another order (another process took it), 503
// otherwise (the disk is full or read-only, say: try again later).
func (s *Service) notWritten(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrKeyTaken) {
		writeProblem(w, http.StatusConflict, "this key already made another order", 0)
		return
	}
	writeProblem(w, http.StatusServiceUnavailable, "the order could not be written down", s.cfg.RetryAfter)
}

// keptAnswer looks for a key in the store: a key memory has forgotten (a
// restart, or an answer older than KeyCache) may have made an order
// already. It returns the 202 of that order, ErrKeyReused for another
// payload, or (nil, nil) for a key the store does not hold either.
func (s *Service) keptAnswer(scoped, fingerprint string) (*Answer, error) {
	k, err := s.store.Key(scoped)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, err
	case k.Fingerprint != fingerprint:
		return nil, ErrKeyReused
	}
	a := s.acceptedAnswer(k.OrderID)
	return &a, nil
}

// admit decides whether an order may wait for a worker. It returns 0, and
// holds a place in the queue and in the client's quota, or the status to
// refuse it with: 429 for a client over its own quota, 503 when the service
// is full or shutting down.
func (s *Service) admit(client string, sheddable bool) (int, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.intake {
		return http.StatusServiceUnavailable, "the service is shutting down"
	}
	if s.pending[client] >= s.cfg.Quota {
		return http.StatusTooManyRequests, fmt.Sprintf("quota: %d orders", s.cfg.Quota)
	}
	limit := s.cfg.Queue
	if sheddable {
		limit = s.cfg.SheddableQueue
	}
	if !s.queue.Reserve(limit) {
		return http.StatusServiceUnavailable, "too many orders are waiting"
	}
	s.pending[client]++
	s.admitting.Add(1) // under mu, while intake is on: Shutdown waits for it
	return 0, ""
}

// enqueue puts an admitted, written down order into the place admit took.
func (s *Service) enqueue(id string) {
	s.queue.Fill(id)
	s.admitting.Done()
}

// unadmit gives back what admit took, for an order that was not accepted.
func (s *Service) unadmit(client string) {
	s.queue.Unreserve()
	s.finished(client)
	s.admitting.Done()
}

// finished counts an order of client out of its quota.
func (s *Service) finished(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending[client]--; s.pending[client] <= 0 {
		delete(s.pending, client)
	}
}

// lookup reads an order for GET: unknown, another client's, or finished
// longer than Retention ago, is not found.
func (s *Service) lookup(w http.ResponseWriter, r *http.Request) (Record, bool) {
	id := r.PathValue("id")
	rec, err := s.store.Get(id)
	switch {
	case err != nil:
	case rec.Client != r.Header.Get(ClientHeader):
		err = ErrNotFound // the same answer as for an unknown ID: nothing is told about others' orders
	case rec.State.Final() && time.Since(rec.Finished) > s.cfg.Retention:
		err = ErrNotFound
	}
	switch {
	case errors.Is(err, ErrNotFound):
		writeProblem(w, http.StatusNotFound, "no order "+id+": unknown, or finished too long ago", 0)
		return Record{}, false
	case err != nil:
		writeProblem(w, http.StatusServiceUnavailable, "the order could not be read", s.cfg.RetryAfter)
		return Record{}, false
	}
	return rec, true
}

// getStatus answers 200 while the order is pending, and 303 to its result
// once it is finished.
func (s *Service) getStatus(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	if rec.State.Final() {
		w.Header().Set("Location", "/orders/"+rec.ID+"/result")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	w.Header().Set("Retry-After", seconds(s.cfg.PollAfter))
	writeJSON(w, http.StatusOK, status{ID: rec.ID, State: rec.State, Href: "/orders/" + rec.ID})
}

// getResult answers a finished order's result.
func (s *Service) getResult(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.lookup(w, r)
	if !ok {
		return
	}
	if !rec.State.Final() {
		writeProblem(w, http.StatusNotFound, "order "+rec.ID+" has no result yet", 0)
		return
	}
	writeJSON(w, http.StatusOK, status{ID: rec.ID, State: rec.State, Receipt: rec.Receipt, Reason: rec.Reason})
}

// getReady says whether the service takes orders: load balancers stop
// sending when it answers 503.
func (s *Service) getReady(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	if !ready {
		writeProblem(w, http.StatusServiceUnavailable, "shutting down", 0)
		return
	}
	w.WriteHeader(http.StatusOK)
}
