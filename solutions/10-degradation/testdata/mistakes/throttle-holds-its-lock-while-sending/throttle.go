// Mistake: Do takes the lock at the top and lets it go when it returns (defer), so the lock is held while the request is out: every other caller waits for it, and requests that should run side by side take turns, however long each takes.
// Caught by: TestCallersThroughTheThrottleDoNotWaitForEachOther (hang)

package degradation

// Do counts a request and, with the probability above, rejects it.
func (t *Throttle) Do(ctx context.Context, op func(context.Context) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	p := t.probability(now)
	t.counts.add(now, 1, 0)
	if p > 0 && t.cfg.Rand() < p {
		return ErrThrottled
	}
	err := op(ctx)
	if !t.cfg.Rejected(err) {
		t.counts.add(time.Now(), 0, 1)
	}
	return err
}
