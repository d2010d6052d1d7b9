package hang

import "testing"

// TestIncDoesNotDeadlock waits on a sync.Mutex, which is not durably
// blocking: nothing but go test's -timeout ends it.
//
//

func TestIncDoesNotDeadlock(t *testing.T) {
	var c Counter
	c.Inc()
}

func TestAfterTheHang(t *testing.T) {}
