package lab

import (
	"context"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// A Run is one measurement: a service, the clients that use it, the load.
type Run struct {
	Design   string
	Load     float64 // offered load as a share of capacity, for the table
	Client   Client
	Ledger   *Ledger // the service's ledger, or nil when it is measured from outside
	Looker   Looker  // the service, sampled at every arrival; nil when it is measured from outside
	Arrivals []Arrival
	Windows  []time.Duration // for a spike: the ends of the windows goodput is counted in
	// Calm, for a spike, is when the spike ends: Measure finds how long
	// after it goodput came back for good, in Step-long stretches.
	Calm, Step time.Duration
	// HeapEvery, if not 0, samples the heap at every HeapEvery-th arrival
	// (ReadMemStats stops the world, and the heap is not the same from run
	// to run: real mode only).
	HeapEvery int
	// Real, if true, counts every goroutine of the process
	// (runtime.NumGoroutine, minus those at the start): HTTP's included.
	// Otherwise the count is exact: the clients still waiting, plus the
	// service's own goroutines.
	Real bool
}

// A Report is what a run measured.
type Report struct {
	Design, Clients string
	Load            float64
	Orders          int
	Span            time.Duration // from the start to the last arrival
	Offered         float64       // orders a second
	Goodput         float64       // orders a second whose result came while their client waited
	Failed          int           // orders without a result in time
	Attempts        int           // attempts made, retries included

	Response [2]time.Duration // p50, p99 of time-to-response, over every order
	Result   [2]time.Duration // p50, p99 of time-to-result, over the orders fulfilled at all

	Wasted    int    // attempts fulfilled after their client stopped waiting
	Refused   [2]int // refusals by class: critical, sheddable
	Dropped   int    // accepted, then dropped unstarted: deadline passed
	Abandoned int    // started, then stopped because the caller left

	MaxDepth      int
	EndDepth      int // queue depth at the last arrival
	MaxOldest     time.Duration
	MaxInFlight   int
	MaxGoroutines int
	MaxHeap       uint64 // bytes, when sampled

	Windows []Window
	// Recovery is how long after the spike goodput was back to 90% of the
	// offered load in every Step-long stretch to the end; -1: never.
	Recovery time.Duration
}

// A Window is goodput over a stretch of a run, by the orders due in it.
type Window struct {
	From, To time.Duration
	Offered  float64
	Goodput  float64
}

// Measure runs the load against the client's service: it starts each
// order's client at its due time, without waiting for earlier ones (open
// loop), and measures every wait from the due time, not from when the
// request happened to be sent (so a late generator cannot hide a queue:
// coordinated omission). It samples the service at every arrival, then
// waits for every client and, with closeService, for the service to finish
// or drop what it accepted.
func Measure(ctx context.Context, r Run, closeService func()) Report {
	arrivals := r.Arrivals
	look := r.Looker
	rep := Report{Design: r.Design, Clients: r.Client.Retries.Name, Load: r.Load, Orders: len(arrivals)}

	start := time.Now()
	baseline := runtime.NumGoroutine()
	outcomes := make([]Outcome, len(arrivals))
	var clients sync.WaitGroup
	var waiting atomic.Int64 // clients still waiting
	var mem runtime.MemStats
	for i, a := range arrivals {
		due := start.Add(a.At)
		time.Sleep(time.Until(due))
		goroutines := int(waiting.Load())
		if look != nil {
			l := look.Look()
			goroutines += l.Goroutines
			rep.MaxDepth = max(rep.MaxDepth, l.Depth)
			rep.EndDepth = l.Depth
			rep.MaxInFlight = max(rep.MaxInFlight, l.InFlight)
			if !l.Oldest.IsZero() {
				rep.MaxOldest = max(rep.MaxOldest, time.Since(l.Oldest))
			}
		}
		if r.Real {
			goroutines = runtime.NumGoroutine() - baseline
		}
		rep.MaxGoroutines = max(rep.MaxGoroutines, goroutines)
		if r.HeapEvery > 0 && i%r.HeapEvery == 0 {
			runtime.ReadMemStats(&mem)
			rep.MaxHeap = max(rep.MaxHeap, mem.HeapAlloc)
		}
		waiting.Add(1)
		clients.Go(func() {
			defer waiting.Add(-1)
			outcomes[i] = r.Client.Order(ctx, a.Order, due)
		})
	}
	clients.Wait()
	if closeService != nil {
		closeService()
	}
	if len(arrivals) > 0 {
		rep.Span = arrivals[len(arrivals)-1].At
	}
	rep.Offered = perSecond(len(arrivals), rep.Span)

	responses := make([]time.Duration, 0, len(arrivals))
	var results []time.Duration
	good := 0
	for i, o := range outcomes {
		due := start.Add(arrivals[i].At)
		responses = append(responses, o.Answered.Sub(due))
		rep.Attempts += o.Attempts
		if o.Fulfilled {
			good++
		}
	}
	rep.Failed = len(arrivals) - good
	rep.Goodput = perSecond(good, rep.Span)
	rep.Response = percentiles(responses)

	if l := r.Ledger; l != nil {
		l.mu.Lock()
		for i, a := range arrivals {
			if t, ok := l.fulfilled[a.Order.Seq]; ok {
				results = append(results, t.Sub(start.Add(arrivals[i].At)))
			}
		}
		rep.Wasted = l.jobs - good
		rep.Refused = l.refused
		rep.Dropped = l.dropped
		rep.Abandoned = l.abandoned
		l.mu.Unlock()
		rep.Result = percentiles(results)
	}

	from := time.Duration(0)
	for _, to := range r.Windows {
		w := Window{From: from, To: to}
		due, ok := 0, 0
		for i, a := range arrivals {
			if a.At >= from && a.At < to {
				due++
				if outcomes[i].Fulfilled {
					ok++
				}
			}
		}
		w.Offered, w.Goodput = perSecond(due, to-from), perSecond(ok, to-from)
		rep.Windows = append(rep.Windows, w)
		from = to
	}
	if r.Step > 0 {
		rep.Recovery = recovery(arrivals, outcomes, r.Calm, r.Step)
	}
	return rep
}

// recovery finds the first Step-long stretch after calm from which every
// stretch to the end of the load fulfilled 90% of the orders due in it.
func recovery(arrivals []Arrival, outcomes []Outcome, calm, step time.Duration) time.Duration {
	end := arrivals[len(arrivals)-1].At
	n := int((end - calm) / step) // whole stretches only
	due, ok := make([]int, n), make([]int, n)
	for i, a := range arrivals {
		if k := int((a.At - calm) / step); a.At >= calm && k < n {
			due[k]++
			if outcomes[i].Fulfilled {
				ok[k]++
			}
		}
	}
	back := n
	for k := n - 1; k >= 0 && ok[k]*10 >= due[k]*9; k-- {
		back = k
	}
	if back == n {
		return -1
	}
	return time.Duration(back) * step
}

func perSecond(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// percentiles returns the 50th and 99th percentiles of ds (nearest rank).
func percentiles(ds []time.Duration) [2]time.Duration {
	if len(ds) == 0 {
		return [2]time.Duration{}
	}
	slices.Sort(ds)
	rank := func(percent int) time.Duration { // the smallest value at or above percent% of them
		return ds[max((percent*len(ds)+99)/100-1, 0)]
	}
	return [2]time.Duration{rank(50), rank(99)}
}
