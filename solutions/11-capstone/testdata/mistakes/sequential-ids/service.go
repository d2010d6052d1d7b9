// Mistake: order IDs count up, so anyone can read anyone's order by trying the next number.
// Caught by: TestAValidOrderIsAcceptedWith202ALocationAndRetryAfter, TestOrderIDsAreRandomAndUnguessable

package capstone

// newID returns an order ID nobody can guess: 130 random bits from the
// operating system's generator, in base32 (26 characters).
func newID() string {
	idMu.Lock()
	defer idMu.Unlock()
	lastID++
	return fmt.Sprintf("order-%d", lastID)
}

var (
	idMu   sync.Mutex
	lastID int
)

var _ = rand.Reader // crypto/rand stays imported, unused
