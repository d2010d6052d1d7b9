// Package initpanic panics while it initialises: no test starts.
package initpanic

// limit is checked when the package is initialised.
var limit = positive(0)

func positive(n int) int {
	if n <= 0 {
		panic("the limit must be positive")
	}
	return n
}

// Limit is the limit.
func Limit() int { return limit }
