// Mistake: the rejection probability is not capped: after a Window in which the backend accepted nothing it reaches n/(n+1), 0.999, the client hardly asks again, and once the backend is back it takes some nine minutes to find out.
// Caught by: TestTheThrottleKeepsProbingAndRecoversAfterAFullOutage

package degradation

// probability is max(0, (requests − K·accepts) / (requests + 1)) over the
// window w ending at now. Call it with mu held.
func (t *Throttle) probability(w *window, now time.Time) float64 {
	requests, accepts := w.sums(now)
	return max(0, (float64(requests)-t.cfg.K*float64(accepts))/float64(requests+1))
}
