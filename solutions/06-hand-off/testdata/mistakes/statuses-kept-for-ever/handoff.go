// Mistake: Every status stays in the map for ever ("someone may still ask"): memory grows with every job ever submitted, until the process runs out of it, and a client can read a job finished a year ago.
// Caught by: TestAFinishedJobIsForgottenTheInstantItsRetentionEnds, TestSubmitForgetsTheStatusesPastTheirRetention

package handoff

// forget forgets nothing.
func (s *Service) forget(now time.Time) {}
