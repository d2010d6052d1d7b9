package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	"github.com/wherewaiting/workshop/experiment/lab"
)

// realMode runs the experiment on this machine's clock: the designs behind
// real HTTP servers on 127.0.0.1, durations scaled down, every run bounded
// in orders and in time; then the accept path against a bare handler, and
// the memory a service holds after many orders.
func realMode(args []string) error {
	fs := flag.NewFlagSet("real", flag.ExitOnError)
	scale := fs.Float64("scale", 0.2, "every duration of the virtual experiment times this (0.2: 20 ms of work, 1 s → 200 ms)")
	seconds := fs.Duration("seconds", 2*time.Second, "how long each load level's arrivals last, at most")
	orders := fs.Int("orders", 10_000, "orders per load level, at most")
	spike := fs.Bool("spike", false, "also run the spike (170 s of virtual time, times -scale, for each of 6 runs)")
	accept := fs.Duration("accept", 2*time.Second, "how long each accept-path measurement lasts (0: skip)")
	ownService := fs.Bool("capstone", true, "with -accept, also measure the capstone's own service (lesson 11's solution)")
	million := fs.Int("million", 1_000_000, "orders to fulfil for the memory measurement (0: skip)")
	fs.Parse(args)

	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("real mode, %s, %s, GOMAXPROCS %d, load average %s\n",
		time.Now().UTC().Format(time.RFC3339), runtime.Version(), runtime.GOMAXPROCS(0), strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "))

	s := lab.Default()
	s.Scale, s.Span, s.Orders = *scale, *seconds, *orders
	fmt.Printf("\n%d workers, %v of work an order on average: capacity %.0f orders/s; a client waits %v an attempt\n",
		s.Workers, time.Duration(float64(s.MeanWork)**scale), s.Capacity(), time.Duration(float64(s.Timeout)**scale))
	mode := lab.Mode{Through: overHTTP, Real: true}
	fmt.Println(lab.Table(s.Grid(mode), true))
	if *spike {
		fmt.Println(lab.SpikeTable(s.Spike(mode)))
	}
	if *accept > 0 {
		if err := acceptPath(*accept); err != nil {
			return err
		}
		if *ownService {
			if err := capstonePath(*accept); err != nil {
				return err
			}
		}
	}
	if *million > 0 {
		retention(*million)
	}
	return nil
}

// overHTTP serves svc on a port of 127.0.0.1 and returns a client of it.
func overHTTP(svc lab.Service) (lab.Service, func()) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: lab.Handler(svc), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}
	go srv.Serve(ln)
	remote := lab.NewRemote("http://"+ln.Addr().String(), 1024)
	return remote, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		remote.Client.CloseIdleConnections()
	}
}

// bareHandler is the least an HTTP service can cost: it reads the body,
// answers 202 and does nothing else.
var bareHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.WriteHeader(http.StatusAccepted)
})

// acceptPath measures how many orders a second the accept path answers
// (POST → 202, the order queued in memory) against a bare net/http handler
// that answers 202 and does nothing, with the same generator in the same
// run, alternating, twice each. The generator is vegeta's attacker with a
// fixed set of workers and no rate (as fast as answers come): a capacity
// measurement, closed loop by nature; the latency tables use open loop.
func acceptPath(d time.Duration) error {
	svc := lab.NewBounded(lab.Config{Workers: 4, Queue: 100_000, Keep: 10_000, TTL: time.Minute})
	defer svc.Close()
	fmt.Printf("accept path, vegeta, 32 workers, %v a round:\n", d)
	total, err := rounds(d, []contender{
		{"bare net/http handler", always(bareHandler), labTargets, 32},
		{"accept path (bounded)", always(lab.Handler(svc)), labTargets, 32},
	})
	if err != nil {
		return err
	}
	fmt.Printf("  accept path / bare handler: %.2f (target ≥ 0.5)\n\n", total[1]/total[0])
	return nil
}

// A contender is one handler measured in rounds: start makes it (and says
// how to stop it), targets its requests, workers how many send them.
type contender struct {
	name    string
	start   func() (h http.Handler, stop func(), err error)
	targets func(url string) vegeta.Targeter
	workers uint64
}

// always is a contender's start for a handler that is already running.
func always(h http.Handler) func() (http.Handler, func(), error) {
	return func() (http.Handler, func(), error) { return h, func() {}, nil }
}

// rounds measures each contender for d, in turn, twice, prints a line for
// each measurement, and returns each contender's answers a second, summed
// over the rounds.
func rounds(d time.Duration, cs []contender) ([]float64, error) {
	total := make([]float64, len(cs))
	for round := range 2 {
		for i, c := range cs {
			h, stop, err := c.start()
			if err != nil {
				return nil, err
			}
			m, err := attackWith(h, d, c.targets, c.workers)
			stop()
			if err != nil {
				return nil, err
			}
			total[i] += m.Throughput
			fmt.Printf("  round %d  %-24s %8.0f answers/s  p50 %-8s p99 %-8s success %.1f%%  %v\n",
				round+1, c.name, m.Throughput, lab.Dur(m.Latencies.P50), lab.Dur(m.Latencies.P99), 100*m.Success, m.StatusCodes)
		}
	}
	return total, nil
}

// labTargets sends the lab's order, the same every time.
func labTargets(url string) vegeta.Targeter {
	return vegeta.NewStaticTargeter(vegeta.Target{
		Method: http.MethodPost, URL: url,
		Body:   []byte(`{"class":0,"work":0}`),
		Header: http.Header{"Content-Type": {"application/json"}},
	})
}

// attackWith sends h the targets' requests for d, as fast as it answers,
// from the given number of workers, each on a kept-alive connection.
func attackWith(h http.Handler, d time.Duration, targets func(url string) vegeta.Targeter, workers uint64) (vegeta.Metrics, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return vegeta.Metrics{}, err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()

	a := vegeta.NewAttacker(vegeta.Workers(workers), vegeta.MaxWorkers(workers), vegeta.Connections(int(workers)), vegeta.KeepAlive(true))
	var m vegeta.Metrics
	for res := range a.Attack(targets("http://"+ln.Addr().String()+"/orders"), vegeta.Rate{Freq: 0}, d, "accept") {
		m.Add(res)
	}
	m.Close()
	if m.Requests == 0 {
		return m, errors.New("vegeta sent nothing")
	}
	return m, nil
}

// retention fulfils n orders through the bounded design, in memory, and
// prints the heap after 10,000 and after n: finished results are kept for
// status requests, at most 10,000 of them, so the second should be about
// the first.
func retention(n int) {
	svc := lab.NewBounded(lab.Config{Workers: 4, Queue: 2048, Keep: 10_000, TTL: time.Minute})
	defer svc.Close()
	ctx := context.Background()
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := heap()
	var at10k uint64
	start := time.Now()
	const batch = 1000
	ids := make([]int64, 0, batch)
	for done := 0; done < n; done += batch {
		ids = ids[:0]
		for i := range batch {
			id := int64(done + i + 1)
			if _, err := svc.Place(ctx, lab.Order{ID: id}); err != nil {
				panic(err)
			}
			ids = append(ids, id)
		}
		for _, id := range ids {
			if err := svc.Wait(ctx, id); err != nil {
				panic(err)
			}
		}
		if done+batch == 10_000 {
			at10k = heap()
		}
	}
	atN := heap()
	mib := func(b uint64) float64 { return float64(b-min(b, base)) / (1 << 20) }
	fmt.Printf("memory, bounded design, results kept: at most 10,000 for at most a minute\n")
	fmt.Printf("  heap after 10,000 orders: %.2f MiB; after %s: %.2f MiB (ratio %.2f, target ≤ 2); %d results held; %v for all\n",
		mib(at10k), thousands(n), mib(atN), mib(atN)/mib(at10k), svc.Results().Len(), time.Since(start).Round(time.Millisecond))
}

// thousands prints n with commas: 1,000,000.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
