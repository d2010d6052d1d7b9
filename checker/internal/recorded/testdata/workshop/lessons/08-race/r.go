// Package race adds from two goroutines without a lock.
package race

import "sync"

// Count adds one from n goroutines.
func Count(n int) int {
	total := 0
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			total++
		}()
	}
	wg.Wait()
	return total
}
