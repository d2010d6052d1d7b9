// Mistake: RetryAfter returns whole seconds as an int64, as the HTTP header writes them: the method no longer has the signature retry loops look for (interface{ RetryAfter() time.Duration }), so lesson 04's retry never sees the hint and backs off blind.
// Caught by: TestQueueFullErrorSaysHowLongTheQueuedWorkTakesToDrain

package backpressure

// RetryAfter returns Wait in whole seconds, rounded up, as in the header.
func (e *QueueFullError) RetryAfter() int64 {
	return int64((e.Wait + time.Second - 1) / time.Second)
}
