// Mistake: the pool never forgets a status ("someone may still ask"): its memory grows with every job it ever accepted, until the process runs out of it.
// Caught by: TestEveryFinishedJobIsForgottenWhenItsRetentionEnds

package pool

// forget forgets nothing.
func (p *Pool) forget(now time.Time) {}
