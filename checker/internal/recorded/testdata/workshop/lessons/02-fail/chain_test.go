package chain

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// The assertions stand on the lines the recorded streams name: 18 and 26.

func TestCallWaitsForTheSlowest(t *testing.T) {
	waited := Call(time.Second, 2*time.Second, 3*time.Second)
	const msg = "the client waited %v; with fan-out it should wait max(1s,2s,3s) = 3s: start the calls together"
	// One call fans out to three backends; the client should wait for the
	// slowest, not for their sum.
	//
	assert.Equal(t, 3*time.Second, waited, msg, waited)
}

func TestDescribeNamesTheService(t *testing.T) {
	want := Result{Name: "service", Waits: []time.Duration{time.Second, 3 * time.Second}}
	got := Describe()
	// The diff of two structs is what a learner reads.
	//
	assert.Equal(t, want, got, "Describe should name the service and its waits")
}

func TestCallOfNothingIsFree(t *testing.T) {
	assert.Zero(t, Call())
}
