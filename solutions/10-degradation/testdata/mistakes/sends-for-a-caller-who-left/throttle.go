// Mistake: Do counts and sends a request whose caller has already left: the backend does work nobody waits for, and the count says nothing about the backend.
// Caught by: TestARequestWhoseCallerHasLeftIsNeitherSentNorCounted

package degradation

// Do counts a request and, with the probability above, rejects it.
func (t *Throttle) Do(ctx context.Context, op func(context.Context) error) error {
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
		w.add(time.Now(), 0, 1)
	}
	return err
}
