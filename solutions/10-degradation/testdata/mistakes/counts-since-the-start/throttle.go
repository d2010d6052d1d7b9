// Mistake: requests and accepts are counted since the throttle was made, not over the last Window: twenty healthy minutes bank so many accepts that an outage is not throttled for twenty more, and after an outage its rejections hold the client back long after the backend has recovered.
// Caught by: TestTheThrottleStartsWithinAWindowEvenAfterALongHealthyHistory, TestTheThrottleRecoversOnceCapacityReturns, TestTheThrottleForgetsWithinAWindow

package degradation

// window returns the counts of criticality c, made on first use: one
// window as long as time itself, so that nothing is ever forgotten.
func (t *Throttle) window(c Criticality) *window {
	w, ok := t.counts[c]
	if !ok {
		w = newWindow(time.Duration(1<<63-1), t.origin) // since the start: simple, and nothing to forget
		t.counts[c] = w
	}
	return w
}
