//go:build draft

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
	Retention      time.Duration // how long a finished order's result is kept [24h]

	Bulkhead      int           // calls to the warehouse at once [2]
	BreakerAfter  int           // failures in a row that open the breaker [5]
	BreakerFor    time.Duration // how long it stays open [10s]
	Attempts      int           // attempts per order, the first included [3]
	RetryEvery    int           // one retry allowed per this many orders [10]
	BackoffBase   time.Duration // [100ms]
	BackoffCap    time.Duration // [1s]
	Rand          func() float64
	IdempotentFor time.Duration // how long an Idempotency-Key's answer is kept [24h]
}

// Headers the service reads.
const (
	IdempotencyKeyHeader = "Idempotency-Key"
	ClientHeader         = "Client-Id"   // who is asking; quotas are per client
	CriticalityHeader    = "Criticality" // "sheddable" marks an order that may be shed first
)

// A Service takes orders over HTTP and fulfils them in the background.
type Service struct {
	cfg      Config
	store    *Store
	queue    *Queue
	keys     *Keys
	bulkhead *Bulkhead
	breaker  *Breaker
	budget   *Budget

	mu       sync.Mutex
	pending  map[string]int // unfinished orders per client
	intake   bool           // new orders are taken
	ready    bool           // what /readyz says
	inFlight map[string]bool

	stop    context.CancelFunc // ends the workers' context
	workers sync.WaitGroup
}

// New opens the service on cfg.DB: it finds the orders accepted before
// and not finished (a crash, a restart), queues them again, and starts the
// workers.
func New(cfg Config) (*Service, error) {
	if cfg.DB == nil || cfg.Warehouse == "" {
		return nil, errors.New("capstone: Config needs a DB and a Warehouse")
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
		keys:     NewKeys(cfg.IdempotentFor),
		bulkhead: NewBulkhead(cfg.Bulkhead),
		breaker:  NewBreaker(cfg.BreakerAfter, cfg.BreakerFor),
		budget:   NewBudget(cfg.RetryEvery, 10*cfg.RetryEvery),
		pending:  map[string]int{},
		inFlight: map[string]bool{},
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
	or(&cfg.Bulkhead, 2)
	or(&cfg.BreakerAfter, 5)
	orD(&cfg.BreakerFor, 10*time.Second)
	or(&cfg.Attempts, 3)
	or(&cfg.RetryEvery, 10)
	orD(&cfg.BackoffBase, 100*time.Millisecond)
	orD(&cfg.BackoffCap, time.Second)
	orD(&cfg.IdempotentFor, 24*time.Hour)
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
	Receipt string `json:"receipt,omitempty"`
	Reason  string `json:"reason,omitempty"`
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
	if dec.More() {
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
	key := r.Header.Get(IdempotencyKeyHeader)
	if key == "" {
		writeProblem(w, http.StatusBadRequest, IdempotencyKeyHeader+" is required: a retry without one may order twice", 0)
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
	client := r.Header.Get(ClientHeader)

	// The key is claimed before anything is queued: a repeat must never
	// become a second order.
	sum := sha256.Sum256(append([]byte(client+"\n"), body...))
	scoped := client + "\n" + key
	replay, err := s.keys.Begin(scoped, hex.EncodeToString(sum[:]))
	switch {
	case errors.Is(err, ErrKeyReused):
		writeProblem(w, http.StatusUnprocessableEntity, "key used for another order", 0)
		return
	case errors.Is(err, ErrInFlight):
		writeProblem(w, http.StatusConflict, "the first order with this key is in flight", 0)
		return
	case replay != nil:
		for name, values := range replay.Header {
			w.Header()[name] = values
		}
		w.WriteHeader(replay.Status)
		w.Write(replay.Body)
		return
	}

	rec := Record{
		ID:       newID(),
		Client:   client,
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
	// Accepted means written down: the 202 goes out only once the order is
	// on disk.
	if err := s.store.Put(rec); err != nil {
		s.unadmit(rec.Client)
		s.keys.Abandon(scoped)
		writeProblem(w, http.StatusServiceUnavailable, "not stored", s.cfg.RetryAfter)
		return
	}
	s.queue.Fill(rec.ID)

	answer := Answer{Status: http.StatusAccepted, Header: http.Header{}}
	answer.Header.Set("Location", "/orders/"+rec.ID)
	answer.Header.Set("Retry-After", seconds(s.cfg.PollAfter))
	answer.Header.Set("Content-Type", "application/json")
	answer.Body, _ = json.Marshal(status{ID: rec.ID, State: Pending})
	answer.Body = append(answer.Body, '\n')
	s.keys.Complete(scoped, answer)
	for name, values := range answer.Header {
		w.Header()[name] = values
	}
	w.WriteHeader(answer.Status)
	w.Write(answer.Body)
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
	return 0, ""
}

// unadmit gives back what admit took, for an order that was not accepted.
func (s *Service) unadmit(client string) {
	s.queue.Unreserve()
	s.finished(client)
}

// finished counts an order of client out of its quota.
func (s *Service) finished(client string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending[client]--; s.pending[client] <= 0 {
		delete(s.pending, client)
	}
}

// lookup reads an order for GET: unknown, or finished longer than
// Retention ago, is not found.
func (s *Service) lookup(w http.ResponseWriter, id string) (Record, bool) {
	rec, err := s.store.Get(id)
	if err == nil && rec.State.Final() && time.Since(rec.Finished) > s.cfg.Retention {
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
	rec, ok := s.lookup(w, r.PathValue("id"))
	if !ok {
		return
	}
	if rec.State.Final() {
		w.Header().Set("Location", "/orders/"+rec.ID+"/result")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	w.Header().Set("Retry-After", seconds(s.cfg.PollAfter))
	writeJSON(w, http.StatusOK, status{ID: rec.ID, State: rec.State})
}

// getResult answers a finished order's result.
func (s *Service) getResult(w http.ResponseWriter, r *http.Request) {
	rec, ok := s.lookup(w, r.PathValue("id"))
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
