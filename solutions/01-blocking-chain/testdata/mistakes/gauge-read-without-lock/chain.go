// Mistake: InFlight and PeakInFlight read the gauge without the lock ("a read cannot corrupt anything"), but a read racing with the write of a request coming or going is a data race, and the reader is not even promised to see the new count.
// Caught by: TestTheGaugeCanBeReadWhileRequestsComeAndGo (race)

package chain

// InFlight is the number of requests inside Handle now, whether they are
// waiting for a connection or for the database.
func (s *Service) InFlight() int {
	return s.inFlight
}

// PeakInFlight is the most requests that have been inside Handle at once.
func (s *Service) PeakInFlight() int {
	return s.peak
}
