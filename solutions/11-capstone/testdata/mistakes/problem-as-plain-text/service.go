// Mistake: errors are answered as plain text, which a client can show but not read: no type, no status, nothing a program can act on (RFC 9457).
// Caught by: TestABadOrderGets400ProblemDetailsAtOnce, TestABodyPastTheLimitGets413, TestAClientOverItsQuotaGets429WhileOthersAreServed, TestAFullQueueAnswers503WithRetryAfter, TestARepeatWhileTheFirstIsInFlightGets409, TestAnOrderThatCannotBeWrittenDownIsRefusedNotAccepted, TestAnOrderWithoutAnIdempotencyKeyGets400, TestAnUnknownOrExpiredOrderIs404, TestTheSameKeyWithADifferentOrderGets422

package capstone

// writeProblem answers status with a problem details document. A non-zero
// retryAfter adds a Retry-After header, in whole seconds.
func writeProblem(w http.ResponseWriter, status int, detail string, retryAfter time.Duration) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", seconds(retryAfter))
	}
	http.Error(w, detail, status)
}
