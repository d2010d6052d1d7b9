// Package bubbleblocked waits on a channel nobody sends on, inside the
// test's synctest bubble.
package bubbleblocked

// Pipeline hands out values.
type Pipeline struct {
	out chan int
}

// Next waits for the next value.
func (p *Pipeline) Next() int { return <-p.out }
