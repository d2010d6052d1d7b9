package capstone

// The durable store, given: orders, and the idempotency keys that made
// them, written down in a bbolt file.

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
)

// State is where an order is in its life.
type State string

const (
	Pending State = "pending" // accepted, written down, not sent yet
	Sending State = "sending" // sent at least once: the warehouse may have reserved it, so it is asked again until it answers
	Done    State = "done"    // the warehouse reserved it: Receipt says how
	Failed  State = "failed"  // the warehouse refused it (a 4xx): asking again gets the same answer
	Expired State = "expired" // its deadline passed before it was ever sent: nothing was reserved
	Unknown State = "unknown" // sent, and no answer came for GiveUpAfter past its deadline: to reconcile with the warehouse
)

// Final reports whether s is an end state.
func (s State) Final() bool { return s == Done || s == Failed || s == Expired || s == Unknown }

// An Order is what a client asks for.
type Order struct {
	Item     string `json:"item"`
	Quantity int    `json:"quantity"`
}

// A Record is an order as the service keeps it.
type Record struct {
	ID       string    `json:"id"`
	Client   string    `json:"client"`
	Key      string    `json:"key"` // the client's Idempotency-Key, scoped to the client
	Order    Order     `json:"order"`
	State    State     `json:"state"`
	Accepted time.Time `json:"accepted"`
	Deadline time.Time `json:"deadline"` // after this, nobody waits for the order any more
	Finished time.Time `json:"finished,omitzero"`
	Receipt  string    `json:"receipt,omitempty"`
	Reason   string    `json:"reason,omitempty"` // why it failed or expired
}

// A KeyRecord is what the store keeps of an idempotency key: the
// fingerprint of the request that first used it, and the order it made.
type KeyRecord struct {
	Fingerprint string `json:"fingerprint"`
	OrderID     string `json:"order_id"`
}

var (
	ordersBucket   = []byte("orders")   // order ID → Record
	keysBucket     = []byte("keys")     // scoped key → KeyRecord
	pendingBucket  = []byte("pending")  // order ID → nothing: the orders not finished
	finishedBucket = []byte("finished") // finish time (8 bytes, big-endian ns) + order ID → nothing, oldest first
)

// A Store keeps records in a bbolt database. Every write is on disk
// (fsync'd) when it returns: that is what makes a 202 given after it a
// promise that survives a crash.
//
// Writes use bbolt's Batch: concurrent writes within DB.MaxBatchDelay
// (10ms by default, tunable; a lone write waits all of it) share one
// transaction, a group commit. A bbolt commit syncs the file twice (the
// pages, then the meta page), and a sync took about 0.2ms where this lesson
// was measured: a commit per order would cap the service near 2,500
// orders/s whatever the processors can do. With group commits each write
// waits up to 10ms longer, and the disk syncs twice for the whole group.
//
// Two indexes keep the work bounded: the pending orders (read at start)
// and the finished ones by finish time (swept after Retention), so neither
// needs a scan of every order ever taken.
type Store struct{ db *bolt.DB }

// NewStore prepares db to keep orders. A file prepared before may be
// opened read-only: the store then answers reads, and every write fails.
func NewStore(db *bolt.DB) (*Store, error) {
	ready := db.View(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{ordersBucket, keysBucket, pendingBucket, finishedBucket} {
			if tx.Bucket(name) == nil {
				return ErrNotFound
			}
		}
		return nil
	})
	if ready == nil {
		return &Store{db: db}, nil
	}
	err := db.Update(func(tx *bolt.Tx) error {
		for _, name := range [][]byte{ordersBucket, keysBucket, pendingBucket, finishedBucket} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("preparing the order store: %w", err)
	}
	return &Store{db: db}, nil
}

// Accept writes down a new order and the key that made it, in one
// transaction: after a crash either both are on disk or neither is, so a
// retry with the same key finds the order it made, never a second one.
func (s *Store) Accept(r Record, k KeyRecord) error {
	key, err := json.Marshal(k)
	if err != nil {
		return err
	}
	return s.db.Batch(func(tx *bolt.Tx) error {
		keys := tx.Bucket(keysBucket)
		var was KeyRecord
		switch err := getJSON(keys, []byte(r.Key), &was); {
		case errors.Is(err, ErrNotFound):
		case err != nil, was.OrderID != r.ID:
			return ErrKeyTaken // another order was made with this key: never two
		}
		if err := keys.Put([]byte(r.Key), key); err != nil {
			return err
		}
		return put(tx, r)
	})
}

// ErrKeyTaken is returned by Accept for a key that already made another
// order.
var ErrKeyTaken = errors.New("the key already made another order")

// Put writes r, replacing the record of the same ID, and returns once it
// is on disk, in a group commit.
func (s *Store) Put(r Record) error {
	return s.db.Batch(func(tx *bolt.Tx) error { return put(tx, r) })
}

// PutNow writes r as Put does, in a commit of its own: it does not wait
// for others to join a group. For a write that holds up something scarce
// (a worker about to call), the two syncs of a commit of its own (about
// 0.4ms here) cost less than waiting up to MaxBatchDelay.
func (s *Store) PutNow(r Record) error {
	return s.db.Update(func(tx *bolt.Tx) error { return put(tx, r) })
}

func put(tx *bolt.Tx, r Record) error {
	value, err := json.Marshal(r)
	if err != nil {
		return err
	}
	id := []byte(r.ID)
	if err := tx.Bucket(ordersBucket).Put(id, value); err != nil {
		return err
	}
	if !r.State.Final() {
		return tx.Bucket(pendingBucket).Put(id, nil)
	}
	if err := tx.Bucket(pendingBucket).Delete(id); err != nil {
		return err
	}
	return tx.Bucket(finishedBucket).Put(finishedKey(r.Finished, r.ID), nil)
}

func finishedKey(at time.Time, id string) []byte {
	return append(binary.BigEndian.AppendUint64(nil, uint64(at.UnixNano())), id...)
}

// ErrNotFound is returned by Get and Key for what the store does not hold.
var ErrNotFound = errors.New("not found")

// Get reads the record of id.
func (s *Store) Get(id string) (Record, error) {
	var r Record
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(ordersBucket), []byte(id), &r) })
	return r, err
}

// Key reads what the store keeps of a scoped idempotency key.
func (s *Store) Key(key string) (KeyRecord, error) {
	var k KeyRecord
	err := s.db.View(func(tx *bolt.Tx) error { return getJSON(tx.Bucket(keysBucket), []byte(key), &k) })
	return k, err
}

// getJSON decodes the value of key in b into v, or returns ErrNotFound.
func getJSON(b *bolt.Bucket, key []byte, v any) error {
	value := b.Get(key)
	if value == nil {
		return ErrNotFound
	}
	return json.Unmarshal(value, v)
}

// Pending returns every record not finished, oldest first.
func (s *Store) Pending() ([]Record, error) {
	var out []Record
	err := s.db.View(func(tx *bolt.Tx) error {
		orders := tx.Bucket(ordersBucket)
		return tx.Bucket(pendingBucket).ForEach(func(id, _ []byte) error {
			var r Record
			if err := getJSON(orders, id, &r); err != nil {
				return fmt.Errorf("order %s: %w", id, err)
			}
			out = append(out, r)
			return nil
		})
	})
	slices.SortFunc(out, func(a, b Record) int { return a.Accepted.Compare(b.Accepted) })
	return out, err
}

// Sweep deletes the orders finished before cutoff, and their keys, at
// most limit of them, oldest first, and returns how many it deleted.
func (s *Store) Sweep(cutoff time.Time, limit int) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		orders, keys, finished := tx.Bucket(ordersBucket), tx.Bucket(keysBucket), tx.Bucket(finishedBucket)
		end := finishedKey(cutoff, "")
		var old [][]byte // collected first: deleting under a cursor skips entries
		c := finished.Cursor()
		for k, _ := c.First(); k != nil && len(old) < limit && bytes.Compare(k[:8], end) < 0; k, _ = c.Next() {
			old = append(old, slices.Clone(k))
		}
		for _, k := range old {
			id := k[8:]
			var r Record
			if getJSON(orders, id, &r) == nil && r.Key != "" {
				if err := keys.Delete([]byte(r.Key)); err != nil {
					return err
				}
			}
			if err := orders.Delete(id); err != nil {
				return err
			}
			if err := finished.Delete(k); err != nil {
				return err
			}
		}
		n = len(old)
		return nil
	})
	return n, err
}
