// Mistake: only the requests actually sent are counted, not those the throttle rejected locally: as soon as the client throttles, requests fall back towards accepts and the throttle lets up, so against a backend that accepts 1 in 10 the client sends about 4.5 times what is accepted instead of 2.
// Caught by: TestLocalRejectionsCountAsRequests, TestUnderOverloadTheClientSendsAboutKTimesWhatIsAccepted, TestTheThrottleStartsWithinAWindowEvenAfterALongHealthyHistory, TestConcurrentCallersShareTheThrottleSafely

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
	reject := t.cfg.Rand() < p
	if !reject {
		w.add(sent, 1, 0) // count what goes to the backend
	}
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
