package capstone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"time"
)

// recover queues again every order that was accepted and not finished:
// after a crash, those are the promises still to keep.
func (s *Service) recover() error {
	pending, err := s.store.Pending()
	if err != nil {
		return fmt.Errorf("reading the orders still pending: %w", err)
	}
	for _, rec := range pending {
		s.pending[rec.Client]++
		s.queue.Push(rec.ID)
	}
	return nil
}

// work fulfils queued orders until the queue is closed and empty, or ctx
// ends.
func (s *Service) work(ctx context.Context) {
	for {
		id, ok := s.queue.Pop(ctx)
		if !ok {
			return
		}
		s.mu.Lock()
		s.inFlight[id] = true
		s.mu.Unlock()
		s.fulfil(ctx, id)
	}
}

// fulfil gives one order a turn: it sends it to the warehouse and writes
// down how it ended, or, when this turn could not end it (the warehouse
// down or busy, the breaker open, the budget spent, the store failing),
// gives it another turn later. When ctx ends first (a shutdown past its
// grace), nothing is written and the order stays in flight, to be
// reported: it is on disk, and the next start sends it again.
//
// Besides the warehouse's receipt, three things end an order: a refusal
// (a 4xx: asking again gets the same answer); a deadline that passed
// before the order was ever sent; and, for an order that was sent, no
// answer for GiveUpAfter past its deadline: it may or may not be reserved,
// and someone must ask the warehouse (unknown). A sent order is never
// called expired: until then it is sent again, with the same key, even
// past its deadline. That is a send, not a question: if the warehouse never
// saw the first, it reserves the order now, late. (A warehouse with a
// lookup by key would let us ask without sending.)
func (s *Service) fulfil(ctx context.Context, id string) {
	rec, err := s.store.Get(id)
	switch {
	case err != nil:
		s.later(id)
		return
	case rec.State.Final():
		s.release(id)
		return
	}
	deadline := rec.Deadline
	if rec.State == Sending && stale(rec) {
		if time.Since(rec.Deadline) > s.cfg.GiveUpAfter {
			s.end(id, rec, Unknown, "", "sent, and no answer for "+s.cfg.GiveUpAfter.String()+" past its deadline: ask the warehouse")
			return
		}
		// Past its deadline, a sent order gets a turn of its own: its
		// attempts' timeouts, not the deadline, end a call that hangs, so
		// the breaker counts them.
		deadline = time.Now().Add(time.Duration(s.cfg.Attempts) * (s.cfg.AttemptTimeout + s.cfg.BackoffCap))
	}
	receipt, err := s.send(ctx, &rec, deadline)
	switch {
	case ctx.Err() != nil:
		return
	case err == nil:
		s.end(id, rec, Done, receipt, "")
	case errors.Is(err, ErrRejected):
		s.end(id, rec, Failed, "", err.Error())
	case errors.Is(err, errStale) && rec.State == Pending:
		s.end(id, rec, Expired, "", err.Error())
	default:
		s.later(id)
	}
}

// end writes down how an order ended, and counts it out of its client's
// quota; if it cannot be written, the order gets another turn.
func (s *Service) end(id string, rec Record, state State, receipt, reason string) {
	rec.State, rec.Receipt, rec.Reason, rec.Finished = state, receipt, reason, time.Now()
	if s.store.Put(rec) != nil {
		s.later(id)
		return
	}
	s.finished(rec.Client)
	s.release(id)
}

// release takes a finished order off the workers' hands.
func (s *Service) release(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inFlight, id)
	delete(s.turns, id)
}

// later gives an order another turn, after a wait that doubles each turn
// from Requeue up to RequeueCap, with jitter (lesson 04): orders that
// failed together do not all come back together. Its place in its client's
// quota stays taken, and so does a place in the queue: it is not finished,
// and a service whose orders all wait for the warehouse is full (503), not
// a queue without a bound. The wait starts over in a new
// process, and does not read the warehouse's Retry-After.
func (s *Service) later(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.inFlight, id)       // in the same critical section as the timer: a shutdown sees it in one place
	s.queue.Reserve(math.MaxInt) // it keeps a place in the queue while it waits: admit counts it
	wait := min(s.cfg.Requeue<<min(s.turns[id], 16), s.cfg.RequeueCap)
	wait = wait/2 + time.Duration(s.cfg.Rand()*float64(wait/2))
	s.turns[id]++
	s.waiting[id] = time.AfterFunc(wait, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if _, ok := s.waiting[id]; ok {
			delete(s.waiting, id)
			s.queue.Fill(id)
		}
	})
}

// sweep deletes the orders finished more than Retention ago, and their
// keys, every SweepEvery, until ctx ends: what the service keeps is
// bounded by what it takes in a Retention.
func (s *Service) sweep(ctx context.Context) {
	tick := time.NewTicker(s.cfg.SweepEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		for {
			n, err := s.store.Sweep(time.Now().Add(-s.cfg.Retention), 1000)
			if err != nil || n < 1000 || ctx.Err() != nil {
				break
			}
		}
	}
}

// errStale says an order's deadline passed before it was sent.
var errStale = errors.New("nobody waits for this order any more")

// send gives an order its turn at the warehouse, composed from the outside
// in: a context that ends at deadline; retries within the budget; for each
// attempt, the bulkhead, the breaker, and the attempt's own timeout. Work
// nobody waits for is dropped at every hop. (The bulkhead is outside the
// breaker so that a trial call does not hold the breaker half-open while
// it waits for a slot; the cost: with the breaker open, an order may wait
// for a slot only to hear ErrOpen.)
func (s *Service) send(ctx context.Context, rec *Record, deadline time.Time) (string, error) {
	ctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	if !time.Now().Before(deadline) {
		return "", fmt.Errorf("%w: it expired in the queue", errStale)
	}
	var receipt string
	err := Retry(ctx, s.policy(rec), func(ctx context.Context) error {
		if err := s.bulkhead.Acquire(ctx); err != nil {
			return fmt.Errorf("%w: it expired at the bulkhead", errStale)
		}
		defer s.bulkhead.Release()
		if time.Until(deadline) < time.Millisecond { // Request-Timeout says whole ms
			return fmt.Errorf("%w: it expired at the bulkhead", errStale)
		}
		return s.breaker.Call(ctx, func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, s.cfg.AttemptTimeout)
			defer cancel()
			var err error
			receipt, err = s.attempt(ctx, rec)
			return err
		})
	})
	return receipt, err
}

// policy is how the workers retry an order: within the service's budget,
// and as a retry from its second turn on.
func (s *Service) policy(rec *Record) RetryPolicy {
	s.mu.Lock()
	resumed := s.turns[rec.ID] > 0 || rec.State == Sending
	s.mu.Unlock()
	return RetryPolicy{
		Attempts: s.cfg.Attempts,
		Base:     s.cfg.BackoffBase,
		Cap:      s.cfg.BackoffCap,
		Rand:     s.cfg.Rand,
		Budget:   s.budget,
		Resumed:  resumed,
	}
}

// stale reports whether rec's deadline has come. At the very instant of
// the deadline a context may not be done yet; the clock says it is over.
func stale(rec Record) bool { return !time.Now().Before(rec.Deadline) }

// attempt makes one call to the warehouse. Before the first, it writes
// down that the order is being sent, in a commit of its own (the worker
// holds a bulkhead slot): from then on the warehouse may have reserved
// it, whatever happens to this process.
func (s *Service) attempt(ctx context.Context, rec *Record) (string, error) {
	if rec.State == Pending {
		sending := *rec
		sending.State = Sending
		if err := s.store.PutNow(sending); err != nil {
			return "", fmt.Errorf("%w: not written down as sending: %w", ErrNotCalled, err)
		}
		rec.State = Sending
	}
	return s.call(ctx, *rec)
}

// warehouseOrder is what the warehouse is sent.
type warehouseOrder struct {
	OrderID  string `json:"order_id"`
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
}

// call makes one attempt at the warehouse. It tells the warehouse the time
// left, relative, and the order's ID as the Idempotency-Key, so a repeat
// after a lost answer reserves nothing twice.
func (s *Service) call(ctx context.Context, rec Record) (string, error) {
	body, _ := json.Marshal(warehouseOrder{OrderID: rec.ID, Item: rec.Order.Item, Quantity: rec.Order.Quantity})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.Warehouse, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrRejected, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(IdempotencyKeyHeader, rec.ID)
	if deadline, ok := ctx.Deadline(); ok {
		req.Header.Set(TimeoutHeader, FormatTimeout(time.Until(deadline)))
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	switch {
	case err != nil:
		return "", err
	case resp.StatusCode == http.StatusAccepted:
		// Accepted, not done (RFC 9110 §15.3.3): ask again, same key.
		return "", fmt.Errorf("%w: the warehouse answered %d", ErrNotYet, resp.StatusCode)
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return string(answer), nil
	case resp.StatusCode == http.StatusConflict:
		// The warehouse is still working on this key (an earlier attempt
		// whose answer we did not wait for): ask again later.
		return "", fmt.Errorf("%w: the warehouse answered %d, still reserving", ErrNotYet, resp.StatusCode)
	case resp.StatusCode == http.StatusRequestTimeout, resp.StatusCode == http.StatusTooEarly,
		resp.StatusCode == http.StatusTooManyRequests, resp.StatusCode >= 500:
		return "", fmt.Errorf("the warehouse answered %d", resp.StatusCode)
	default:
		return "", fmt.Errorf("%w: the warehouse answered %d", ErrRejected, resp.StatusCode)
	}
}
