package capstone_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	capstone "github.com/wherewaiting/workshop/lessons/11-capstone"
)

// BenchmarkAcceptedOrders measures accepted orders a second, in real time,
// over loopback HTTP with 64 clients sending at once, three ways in the
// same run:
//
//   - bare: a net/http handler that reads the body and answers 202, and
//     does nothing else: the least an HTTP service can cost;
//   - memory: the service, its bbolt file written without fsync (the
//     operating system's cache holds it: a crash of the machine loses it);
//   - durable: the service as it is meant to run, every group commit
//     fsync'd before the 202s it covers.
//
// Run it without -race, which slows everything several times:
//
//	go test -run '^$' -bench AcceptedOrders ./lessons/11-capstone/
func BenchmarkAcceptedOrders(b *testing.B) {
	bare := ordersPerSecond(b, b.N, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusAccepted)
	}))
	memory := ordersPerSecond(b, b.N, benchService(b, true))
	durable := ordersPerSecond(b, b.N, benchService(b, false))
	b.ReportMetric(bare, "bare-orders/s")
	b.ReportMetric(memory, "memory-orders/s")
	b.ReportMetric(durable, "durable-orders/s")
	b.ReportMetric(0, "ns/op")
}

// benchService starts a service on a new bbolt file, with room for every
// order, and a warehouse that answers at once.
func benchService(b *testing.B, noSync bool) http.Handler {
	warehouse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "reserved")
	}))
	b.Cleanup(warehouse.Close)
	db, err := bolt.Open(filepath.Join(b.TempDir(), "orders.db"), 0o600, &bolt.Options{NoSync: noSync})
	if err != nil {
		b.Fatal(err)
	}
	svc, err := capstone.New(capstone.Config{
		DB: db, Warehouse: warehouse.URL, Client: warehouse.Client(),
		Queue: 1 << 30, Quota: 1 << 30, Workers: 4, Bulkhead: 4,
	})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		svc.Shutdown(gone) // the orders still queued stay on disk: nothing to wait for
		db.Close()
	})
	return svc.Handler()
}

// ordersPerSecond posts n orders to h from 64 clients at once and returns
// how many a second were accepted.
func ordersPerSecond(b *testing.B, n int, h http.Handler) float64 {
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	defer client.CloseIdleConnections()

	const clients = 64
	var wg sync.WaitGroup
	var once sync.Once
	var failure error
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for i := c; i < n; i += clients {
				req, _ := http.NewRequest(http.MethodPost, srv.URL+"/orders", strings.NewReader(tea))
				req.Header.Set("Idempotency-Key", fmt.Sprintf("k%d", i))
				req.Header.Set(capstone.ClientHeader, "bench")
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusAccepted {
						err = fmt.Errorf("order %d: %s", i, resp.Status)
					}
				}
				if err != nil {
					once.Do(func() { failure = err })
					return
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	if failure != nil {
		b.Fatal(failure)
	}
	return float64(n) / elapsed.Seconds()
}
