//go:build draft

package capstone

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
		if s.fulfil(ctx, id) {
			s.mu.Lock()
			delete(s.inFlight, id)
			s.mu.Unlock()
		}
	}
}

// fulfil sends one order to the warehouse and writes down how it ended,
// and reports whether it did. When ctx ends first (a shutdown past its
// grace), nothing is written: the order stays pending on disk, and the
// next start sends it again.
func (s *Service) fulfil(ctx context.Context, id string) bool {
	rec, err := s.store.Get(id)
	if err != nil || rec.State != Pending {
		return true
	}
	receipt, err := s.send(ctx, rec)
	if ctx.Err() != nil {
		return false
	}
	rec.Finished = time.Now()
	switch {
	case err == nil:
		rec.State, rec.Receipt = Done, receipt
	case errors.Is(err, errStale):
		rec.State, rec.Reason = Expired, err.Error()
	default:
		rec.State, rec.Reason = Failed, err.Error()
	}
	if s.store.Put(rec) != nil {
		return false
	}
	s.finished(rec.Client)
	return true
}

// errStale says an order's deadline passed before it was sent.
var errStale = errors.New("nobody waits for this order any more")

// send makes the outbound call, composed from the outside in: the order's
// deadline, the bulkhead, the breaker, then retries within a budget. Work
// nobody waits for is dropped at every hop.
func (s *Service) send(ctx context.Context, rec Record) (string, error) {
	ctx, cancel := context.WithDeadline(ctx, rec.Deadline)
	defer cancel()
	if stale(rec) {
		return "", fmt.Errorf("%w: it expired in the queue", errStale)
	}
	if err := s.bulkhead.Acquire(ctx); err != nil {
		return "", fmt.Errorf("%w: it expired at the bulkhead", errStale)
	}
	defer s.bulkhead.Release()
	if stale(rec) {
		return "", fmt.Errorf("%w: it expired at the bulkhead", errStale)
	}
	var receipt string
	err := s.breaker.Call(ctx, func(ctx context.Context) error {
		return Retry(ctx, s.policy(), func(ctx context.Context) error {
			var err error
			receipt, err = s.call(ctx, rec)
			return err
		})
	})
	return receipt, err
}

// policy is how the workers retry: within the service's budget.
func (s *Service) policy() RetryPolicy {
	return RetryPolicy{
		Attempts: s.cfg.Attempts,
		Base:     s.cfg.BackoffBase,
		Cap:      s.cfg.BackoffCap,
		Rand:     s.cfg.Rand,
		Budget:   s.budget,
	}
}

// stale reports whether rec's deadline has come. At the very instant of
// the deadline a context may not be done yet; the clock says it is over.
func stale(rec Record) bool { return !time.Now().Before(rec.Deadline) }

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
	case resp.StatusCode == http.StatusOK:
		return string(answer), nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return "", fmt.Errorf("the warehouse answered %d", resp.StatusCode)
	default:
		return "", fmt.Errorf("%w: the warehouse answered %d", ErrRejected, resp.StatusCode)
	}
}
