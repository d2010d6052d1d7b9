package lab

import (
	"context"
	"runtime"
	"time"
)

// Setup is the experiment: the service's size, the orders, the clients.
// Its durations are those of the virtual runs; Scale shrinks them all (and
// speeds every rate up by as much) for runs on real time.
type Setup struct {
	Workers   int           // orders worked on at once
	MeanWork  time.Duration // mean work of an order
	Queue     int           // the bounded design's queue
	Timeout   time.Duration // how long a client waits for one attempt's result
	Sheddable float64       // share of sheddable orders
	Base, Cap time.Duration // budgeted clients' backoff
	Orders    int           // orders per load level, at most
	Span      time.Duration // the longest a load level's arrivals last (0: no limit)
	Seed      uint64
	Scale     float64 // 1 on virtual time; 0.2 makes every duration five times shorter
}

// Default is the experiment the tables in the README come from: 10
// workers and 100 ms of work an order on average, so a capacity of 100
// orders a second; clients that wait 1 s for an attempt; a bounded queue of
// 20 (0.2 s of work), sheddable orders refused from 10.
func Default() Setup {
	return Setup{
		Workers: 10, MeanWork: 100 * time.Millisecond, Queue: 20,
		Timeout: time.Second, Sheddable: 0.3,
		Base: 100 * time.Millisecond, Cap: time.Second,
		Orders: 10_000, Seed: 1, Scale: 1,
	}
}

// Capacity is how many orders a second the workers can fulfil.
func (s Setup) Capacity() float64 {
	return float64(s.Workers) / s.MeanWork.Seconds() / s.Scale
}

// d scales a duration.
func (s Setup) d(x time.Duration) time.Duration {
	return time.Duration(float64(x) * s.Scale)
}

// A Design is one way to build the service, with the clients that go with it.
type Design struct {
	Name string
	// New builds the service, and a function that stops it once the load
	// is over, returning when it has finished or dropped everything.
	New func(Config) (Service, func())
	// Retries are the design's clients' retries in the load-level runs.
	Retries func(Setup) Retries
}

// Designs are the three designs of the experiment: the synchronous chain
// and async unbounded with clients that do not retry, and async bounded
// with clients whose retries are budgeted.
func Designs() []Design {
	none := func(Setup) Retries { return NoRetries() }
	return []Design{
		{"sync chain", func(c Config) (Service, func()) { s := NewSync(c); return s, s.Close }, none},
		{"async unbounded", func(c Config) (Service, func()) { a := NewUnbounded(c); return a, a.Close }, none},
		{"async bounded", func(c Config) (Service, func()) { a := NewBounded(c); return a, a.Close },
			func(s Setup) Retries { return BudgetedRetries(s.d(s.Base), s.d(s.Cap)) }},
	}
}

// Levels are the offered loads, as shares of capacity.
var Levels = []float64{0.5, 1, 1.5, 2}

// Mode says how the runs are made.
type Mode struct {
	// Through puts something between the clients and the service (HTTP,
	// in real mode): it returns what the clients call, and a function that
	// takes it down. Nil: the clients call the service directly.
	Through func(Service) (Service, func())
	// Real counts every goroutine of the process and samples the heap
	// (real time only: neither is the same from run to run).
	Real bool
}

// config is the service configuration of a run.
func (s Setup) config(l *Ledger) Config {
	return Config{Workers: s.Workers, Queue: s.Queue, Keep: 10_000, TTL: s.d(time.Minute), Ledger: l}
}

// run measures one design under the given arrivals and clients.
func (s Setup) run(d Design, load float64, arrivals []Arrival, retries Retries, windows []time.Duration, m Mode) Report {
	var calm, step time.Duration
	if len(windows) > 1 {
		calm, step = windows[1], s.d(5*time.Second)
	}
	if m.Real { // let the last run's garbage and connections go first
		runtime.GC()
		time.Sleep(s.d(time.Second))
	}
	ledger := NewLedger()
	svc, stop := d.New(s.config(ledger))
	look, _ := svc.(Looker)
	front, down := svc, func() {}
	if m.Through != nil {
		front, down = m.Through(svc)
	}
	heapEvery := 0
	if m.Real {
		heapEvery = 50
	}
	rep := Measure(context.Background(), Run{
		Design: d.Name, Load: load, Ledger: ledger, Looker: look, Arrivals: arrivals, Windows: windows, Calm: calm, Step: step, HeapEvery: heapEvery, Real: m.Real,
		Client: Client{Service: front, Timeout: s.d(s.Timeout), Retries: retries, Seed: s.Seed},
	}, func() { stop(); down() })
	return rep
}

// Grid measures every design at every level: s.Orders orders each.
func (s Setup) Grid(m Mode) []Report {
	var out []Report
	for _, d := range Designs() {
		for _, level := range Levels {
			mix := Mix{MeanWork: s.d(s.MeanWork), Sheddable: s.Sheddable}
			span := s.Span
			if span == 0 {
				span = 1 << 62
			}
			arrivals := Schedule(s.Seed, mix, s.Orders, Phase{Rate: level * s.Capacity(), For: span})
			out = append(out, s.run(d, level, arrivals, d.Retries(s), nil, m))
		}
	}
	return out
}

// The spike: 30 s at 0.8 of capacity, 10 s at 2×, then 130 s at 0.8 again.
// Goodput is counted before, during, for 100 s after, and over the last 30 s.
var (
	spike = []Phase{
		{Rate: 0.8, For: 30 * time.Second},
		{Rate: 2, For: 10 * time.Second},
		{Rate: 0.8, For: 130 * time.Second},
	}
	spikeWindows = []time.Duration{30 * time.Second, 40 * time.Second, 140 * time.Second, 170 * time.Second}
)

// Spike measures every design through the spike, with naive and with
// budgeted clients.
func (s Setup) Spike(m Mode) []Report {
	phases := make([]Phase, len(spike))
	for i, p := range spike {
		phases[i] = Phase{Rate: p.Rate * s.Capacity(), For: s.d(p.For)}
	}
	windows := make([]time.Duration, len(spikeWindows))
	for i, w := range spikeWindows {
		windows[i] = s.d(w)
	}
	mix := Mix{MeanWork: s.d(s.MeanWork), Sheddable: s.Sheddable}
	arrivals := Schedule(s.Seed, mix, 0, phases...)
	var out []Report
	for _, d := range Designs() {
		for _, retries := range []Retries{NaiveRetries(), BudgetedRetries(s.d(s.Base), s.d(s.Cap))} {
			out = append(out, s.run(d, 0, arrivals, retries, windows, m))
		}
	}
	return out
}
