// Mistake: a request whose caller left before the answer is counted like any other: its context.Canceled is no overload signal, so it counts as an accept, and clients who give up make a backend that rejects everything look healthy.
// Caught by: TestACallerWhoLeftCountsNeitherWay

package degradation

// Do counts a request and, with the probability above, rejects it.
func (t *Throttle) Do(ctx context.Context, op func(context.Context) error) error {
	if err := gone(ctx); err != nil {
		return err
	}
	t.mu.Lock()
	w := t.window(CriticalityOf(ctx))
	sent := time.Now()
	p := t.probability(w, sent)
	w.add(sent, 1, 0)
	reject := t.cfg.Rand() < p
	t.mu.Unlock()
	if reject {
		return ErrThrottled
	}

	err := op(ctx)
	if !t.cfg.Rejected(err) { // not a 503: an answer
		t.mu.Lock()
		w.add(time.Now(), 0, 1)
		t.mu.Unlock()
	}
	return err
}
