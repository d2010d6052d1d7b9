// Mistake: a trial that gives its slot back does not check its generation, so a trial from a half-open spell that has ended, whose op panics later, frees a slot of the next spell: one more trial than HalfOpenMax reaches a dependency that may still be down.
// Caught by: TestATrialFromAnEarlierHalfOpenSpellThatPanicsFreesNoSlotOfTheNextOne

package breaker

// release settles t with no verdict: it frees t's trial slot and counts
// nothing. b.mu is held.
func (b *Breaker) release(t *ticket) {
	if t.settled {
		return
	}
	t.settled = true
	if t.trial {
		b.trials--
	}
}
