// Mistake: an accept is counted at the instant the request was sent, "the same request, the same instant": a slow answer's accept lands in an older bucket and leaves the window early, so the probability is too high after slow answers.
// Caught by: TestAnAcceptCountsFromWhenTheAnswerCame

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
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case ctx.Err() != nil:
		w.remove(sent)
	case !t.cfg.Rejected(err):
		w.add(sent, 0, 1) // the same request: the same instant
	}
	return err
}
