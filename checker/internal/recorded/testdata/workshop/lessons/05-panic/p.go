// Package panicky panics in its second test.
package panicky

// Store counts things, in a map nobody made.
type Store struct{ counts map[string]int }

// Add counts one more of key.
func (s *Store) Add(key string) {
	s.counts[key]++
}
