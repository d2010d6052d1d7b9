// Mistake: NewService takes any query timeout, so a zero or negative one (a typo, a missing setting) makes every query fail at once with "query timeout", as if the database were down, instead of stopping the service at start.
// Caught by: TestNewServiceRefusesAQueryTimeoutThatIsNotPositive

package deadlines

// NewService returns a service that asks db and lets no query wait longer
// than queryTimeout, nor longer than its caller's deadline, whichever comes
// first.
func NewService(db Database, queryTimeout time.Duration) *Service {
	return &Service{db: db, queryTimeout: queryTimeout}
}
