package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
	bolt "go.etcd.io/bbolt"

	capstone "github.com/wherewaiting/workshop/solutions/11-capstone"
)

// capstoneService starts the capstone's own service (lesson 11's
// solution) on a new bbolt file in a temporary folder, with a warehouse
// that answers at once, room for every order, and a quota no load here
// reaches. noSync leaves the file to the operating system's cache (a
// crash of the machine would lose it): the service's own work without the
// disk's syncs. Stop ends the service and removes the file.
func capstoneService(noSync bool) (h http.Handler, stop func(), err error) {
	dir, err := os.MkdirTemp("", "capstone-accept")
	if err != nil {
		return nil, nil, err
	}
	warehouse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "reserved")
	}))
	db, err := bolt.Open(filepath.Join(dir, "orders.db"), 0o600, &bolt.Options{NoSync: noSync})
	if err != nil {
		warehouse.Close()
		os.RemoveAll(dir)
		return nil, nil, err
	}
	svc, err := capstone.New(capstone.Config{
		DB: db, Warehouse: warehouse.URL, Client: warehouse.Client(),
		Workers: 8, Bulkhead: 8, Queue: 1 << 20, SheddableQueue: 1 << 20, Quota: 1 << 30,
		DrainDelay: time.Millisecond,
	})
	if err != nil {
		db.Close()
		warehouse.Close()
		os.RemoveAll(dir)
		return nil, nil, err
	}
	return svc.Handler(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		svc.Shutdown(ctx)
		db.Close()
		warehouse.Close()
		os.RemoveAll(dir)
	}, nil
}

// orderTargets makes every request an order of its own, as the capstone
// requires: one client, and an Idempotency-Key never used before (a key
// used twice would be answered from memory, a replay, which costs less).
func orderTargets(url string) vegeta.Targeter {
	var n atomic.Int64
	body := []byte(`{"item":"tea","quantity":1}`)
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Body = http.MethodPost, url, body
		t.Header = http.Header{
			"Content-Type":        {"application/json"},
			capstone.ClientHeader: {"experiment"},
			"Idempotency-Key":     {"k" + strconv.FormatInt(n.Add(1), 10)},
		}
		return nil
	}
}

// capstonePath measures the capstone's own accept path (POST → 202 once
// the order and its key are written down), durable and without syncs,
// against the bare handler, with the same generator in the same run. Each
// measurement of the service starts it afresh on a new file.
func capstonePath(d time.Duration) error {
	fmt.Printf("the capstone's service (lesson 11's solution, bbolt group commits of 10ms), vegeta, %v a round:\n", d)
	durable := func() (http.Handler, func(), error) { return capstoneService(false) }
	noSync := func() (http.Handler, func(), error) { return capstoneService(true) }
	total, err := rounds(d, []contender{
		{"bare, 32 workers", always(bareHandler), orderTargets, 32},
		{"capstone, no fsync, 32", noSync, orderTargets, 32},
		{"capstone, durable, 32", durable, orderTargets, 32},
		{"capstone, durable, 256", durable, orderTargets, 256},
	})
	if err != nil {
		return err
	}
	fmt.Printf("  capstone / bare handler, 32 workers: %.2f without fsync, %.2f durable; durable with 256 workers: %.2f\n\n",
		total[1]/total[0], total[2]/total[0], total[3]/total[0])
	return nil
}
