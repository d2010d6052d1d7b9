package lab

import (
	"math/rand/v2"
	"time"
)

// A Phase is a stretch of open-loop arrivals at one rate.
type Phase struct {
	Rate float64       // orders a second
	For  time.Duration // how long the phase lasts
}

// An Arrival is one order and when it is due, from the start of the run.
type Arrival struct {
	At    time.Duration
	Order Order
}

// Mix is what the orders are like.
type Mix struct {
	// MeanWork is the mean of each order's work, drawn from an exponential
	// distribution (so some orders are much longer than the mean).
	MeanWork time.Duration
	// Sheddable is the share of orders that are sheddable, in [0, 1].
	Sheddable float64
}

// Schedule draws the arrivals of an open-loop load: orders come on a
// schedule fixed in advance (Poisson arrivals, exponential gaps at each
// phase's rate), whatever the service does. A closed-loop load, N clients
// each waiting for its answer before sending the next, slows down with the
// service and hides its queue (coordinated omission). It stops after limit
// arrivals (0: no limit) or at the end of the phases. The same seed draws
// the same schedule.
func Schedule(seed uint64, mix Mix, limit int, phases ...Phase) []Arrival {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	var out []Arrival
	var start, at time.Duration
	for _, p := range phases {
		end := start + p.For
		for {
			at += time.Duration(rng.ExpFloat64() / p.Rate * float64(time.Second))
			if at >= end || (limit > 0 && len(out) == limit) {
				break
			}
			o := Order{ID: int64(len(out)), Seq: len(out)}
			o.Work = time.Duration(rng.ExpFloat64() * float64(mix.MeanWork))
			if rng.Float64() < mix.Sheddable {
				o.Class = Sheddable
			}
			out = append(out, Arrival{At: at, Order: o})
		}
		start, at = end, end
	}
	return out
}
