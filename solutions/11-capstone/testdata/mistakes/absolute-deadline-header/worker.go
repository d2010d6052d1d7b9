// Mistake: the warehouse is told the deadline as a point in time, which its clock, a second off, reads as a second more or less than the order has.
// Caught by: TestEachAttemptHasItsOwnTimeout, TestTheWarehouseIsToldTheTimeLeftNotAClock

package capstone

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
		req.Header.Set("Request-Deadline", deadline.UTC().Format(time.RFC3339Nano))
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
