// Mistake: Do takes the lock at the top and lets it go when it returns (defer), so the lock is held while the request is out: every other caller waits for it, and requests that should run side by side take turns, however long each takes.
// Caught by: TestCallersThroughTheThrottleDoNotWaitForEachOther (hang)

package degradation

// Do counts a request and, with the probability above, rejects it.
func (t *Throttle) Do(ctx context.Context, op func(context.Context) error) error {
	if err := gone(ctx); err != nil {
		return err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.window(CriticalityOf(ctx))
	sent := time.Now()
	p := t.probability(w, sent)
	w.add(sent, 1, 0)
	if t.cfg.Rand() < p {
		return ErrThrottled
	}
	err := op(ctx)
	switch {
	case ctx.Err() != nil:
		w.remove(sent)
	case !t.cfg.Rejected(err):
		w.add(time.Now(), 0, 1)
	}
	return err
}
