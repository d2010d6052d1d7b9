// Mistake: errors are answered as plain text, which a client can show but not read: no type, no status, nothing a program can act on (RFC 9457).
// Caught by: TestABadOrderGets400ProblemDetailsAtOnce, TestABodyPastTheLimitGets413, TestAnUnknownOrExpiredOrderIs404, TestAnOrderWithoutAnIdempotencyKeyGets400, TestARepeatWhileTheFirstIsInFlightGets409, TestTheSameKeyWithADifferentOrderGets422, TestAFullQueueAnswers503WithRetryAfter, TestAClientOverItsQuotaGets429WhileOthersAreServed

package capstone

// writeProblem answers status with the error's text.
func writeProblem(w http.ResponseWriter, status int, detail string, retryAfter time.Duration) {
	if retryAfter > 0 {
		w.Header().Set("Retry-After", seconds(retryAfter))
	}
	http.Error(w, detail, status)
}
