// Mistake: Forget is left empty ("the read ends soon anyway"), so a Get right after a write joins the read that began before it and returns the value the write replaced.
// Caught by: TestForgetStartsAFreshReadAfterAWrite

package delivery

// Forget makes the next Get of key start a new read.
func (r *Reader) Forget(key string) {}
