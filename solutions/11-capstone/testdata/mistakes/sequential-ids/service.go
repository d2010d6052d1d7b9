// Mistake: order IDs count up, so anyone can read anyone's order by trying the next number.
// Caught by: TestAValidOrderIsAcceptedWith202ALocationAndRetryAfter, TestOrderIDsAreRandomAndUnguessable

package capstone

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	mathrand "math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

var lastID atomic.Int64

// newID numbers the orders.
func newID() string { return fmt.Sprintf("order-%d", lastID.Add(1)) }
