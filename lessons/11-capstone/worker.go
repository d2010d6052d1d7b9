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
//
// TODO(4): read them (s.store.Pending), count each in its client's quota
// (s.pending), and queue it (s.queue.Push). New calls this before it
// starts the workers.
func (s *Service) recover() error {
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

// send makes the outbound call.
//
// TODO(5): compose it from the outside in: a context that ends at the
// order's Deadline; the order dropped (an error wrapping errStale) when
// the deadline has come (by the clock: at the very instant of the
// deadline, ctx may not be done yet), before the bulkhead and again once
// a slot is yours; the bulkhead (Acquire, and Release when done); the breaker
// (s.breaker.Call); and inside it Retry with a RetryPolicy from the Config
// and the service's Budget, around s.call.
func (s *Service) send(ctx context.Context, rec Record) (string, error) {
	return s.call(ctx, rec)
}

// warehouseOrder is what the warehouse is sent.
type warehouseOrder struct {
	OrderID  string `json:"order_id"`
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
}

// call makes one attempt at the warehouse.
//
// TODO(4): send the order's ID as the Idempotency-Key, so that a repeat
// after a lost answer (a crash between the effect and the ack) reserves
// nothing twice.
//
// TODO(5): tell the warehouse how long it has: the time left until ctx's
// deadline, relative, in TimeoutHeader (FormatTimeout). Never a point in
// time: the warehouse's clock is not ours.
func (s *Service) call(ctx context.Context, rec Record) (string, error) {
	body, _ := json.Marshal(warehouseOrder{OrderID: rec.ID, Item: rec.Order.Item, Quantity: rec.Order.Quantity})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.Warehouse, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrRejected, err)
	}
	req.Header.Set("Content-Type", "application/json")
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
