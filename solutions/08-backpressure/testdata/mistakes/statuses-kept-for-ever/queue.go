// Mistake: the queue never forgets a status ("someone may still ask"): its memory grows with every job it ever accepted, until the process runs out of it.
// Caught by: TestEveryFinishedJobIsForgottenWhenItsRetentionEnds

package backpressure

// forget forgets nothing.
func (q *Queue) forget(now time.Time) {}
