// Mistake: one count for every criticality, "one Throttle per client and backend": the sheddable requests a backend sheds weigh on the critical requests it would serve, and the client rejects its own critical requests locally.
// Caught by: TestCriticalRequestsAreNotThrottledForTheSheddableOnesShed

package degradation

// window returns the counts of every request, whatever its criticality.
func (t *Throttle) window(Criticality) *window {
	w, ok := t.counts[Critical]
	if !ok {
		w = newWindow(t.cfg.Window, t.origin)
		t.counts[Critical] = w
	}
	return w
}
