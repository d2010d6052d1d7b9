// Mistake: every job takes one unit of room whatever its Cost, so a queue "of 4" can hold four big jobs, four times the work (and the wait) it was sized for.
// Caught by: TestABigJobTakesAsMuchRoomAsItCosts, TestSubmitWaitThatGivesUpLeavesTheRoomAsItWas, TestAWaitingBigJobIsNotStarvedBySmallOnes

package backpressure

func (q *Queue) cost(j Job) (int64, error) {
	cost := int64(1) // a job is a job
	if max(j.Cost, 1) > q.cfg.QueueSize {
		return 0, fmt.Errorf("%w: it costs %d, the queue holds %d", ErrTooBig, cost, q.cfg.QueueSize)
	}
	return cost, nil
}
