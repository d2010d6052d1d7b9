// Mistake: an order is answered to whoever asks for its ID, so a leaked or logged ID shows one client's order to another.
// Caught by: TestAnOrderIsVisibleOnlyToItsClient

package capstone

// lookup reads an order for GET: unknown, another client's, or finished
// longer than Retention ago, is not found.
func (s *Service) lookup(w http.ResponseWriter, r *http.Request) (Record, bool) {
	id := r.PathValue("id")
	rec, err := s.store.Get(id)
	switch {
	case err != nil:
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
