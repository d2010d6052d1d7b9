// Mistake: a refused order keeps its Idempotency-Key, so its retry, once there is room, is answered 409 for ever.
// Caught by: TestAClientOverItsQuotaGets429WhileOthersAreServed, TestAFullQueueAnswers503WithRetryAfter

package capstone

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
