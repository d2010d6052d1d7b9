// Mistake: when its deadline passes, Shutdown cancels the running work and returns the counters, without stopping the queue or marking the jobs it gives up on: the workers go on to start every queued job (with a cancelled context, so each one fails at once), and nobody is told which jobs were abandoned.
// Caught by: TestAfterShutdownGivesUpNoQueuedJobStarts, TestShutdownNamesEveryJobItGaveUpOn

package backpressure

// giveUp cancels the running jobs.
func (q *Queue) giveUp() {
	q.stop()
}
