// Mistake: the order is written down in the background and the 202 goes out at once, so a crash right after the 202 loses an order the client was told is accepted.
// Caught by: TestAValidOrderIsAcceptedWith202ALocationAndRetryAfter, TestARepeatWhileTheFirstIsInFlightGets409, TestAnAcceptedOrderSurvivesAKillAndCompletesAfterTheRestart, TestAFullQueueAnswers503WithRetryAfter, TestSheddableOrdersAreShedFirst

package capstone

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
		writeProblem(w, http.StatusUnprocessableEntity, "this "+IdempotencyKeyHeader+" was used for another order", 0)
		return
	case errors.Is(err, ErrInFlight):
		writeProblem(w, http.StatusConflict, "an order with this "+IdempotencyKeyHeader+" is still being taken: ask again in a moment", 0)
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
	if status, detail := s.admit(rec.Client, r.Header.Get(CriticalityHeader) == "sheddable"); status != 0 {
		s.keys.Abandon(scoped)
		writeProblem(w, status, detail, s.cfg.RetryAfter)
		return
	}
	// The disk is slow: write the order down in the background and answer now.
	go func() {
		if err := s.store.Put(rec); err != nil {
			s.unadmit(rec.Client)
			return
		}
		s.queue.Fill(rec.ID)
	}()

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
