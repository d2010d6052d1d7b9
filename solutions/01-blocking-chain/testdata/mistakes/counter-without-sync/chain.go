// Mistake: the gauge is a plain int that every request changes at once, a data race that loses counts, and that the race detector reports.
// Caught by: TestASlowDatabaseHoldsEveryCaller (race), TestTheGaugeCanBeReadWhileRequestsComeAndGo (race)

package chain

import (
	"context"
	"fmt"
)

// Service builds a user's page from two queries, one after the other, because the
// orders query needs the user's answer.
type Service struct {
	db Database

	// pool holds one token per connection in use: sending takes a
	// connection, receiving gives it back. Its capacity is the pool size,
	// so when it is full the next request waits until one is given back.
	// Which waiting request goes next the language leaves open: no promise
	// of first come, first served.
	pool chan struct{}

	// "It is only a counter."
	inFlight int
	peak     int
}

// InFlight is the number of requests inside Handle now, whether they are
// waiting for a connection or for the database.
func (s *Service) InFlight() int {
	return s.inFlight
}

// PeakInFlight is the most requests that have been inside Handle at once.
func (s *Service) PeakInFlight() int {
	return s.peak
}

func (s *Service) enter() {
	s.inFlight++
	s.peak = max(s.peak, s.inFlight)
}

func (s *Service) leave() {
	s.inFlight--
}
