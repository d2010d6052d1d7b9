package backend_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/wherewaiting/workshop/internal/backend"
)

// A backend that fails its first two calls and then recovers, as a flaky
// dependency does. Tests add backend.Latency and run inside a synctest
// bubble, where the waiting costs no real time.
func ExampleFailFunc() {
	unavailable := errors.New("unavailable")
	db := backend.New("db", backend.FailFunc(func(n int) error {
		if n <= 2 {
			return unavailable
		}
		return nil
	}))
	for range 3 {
		reply, err := db.Call(context.Background(), "user:42")
		fmt.Printf("%q %v\n", reply, err)
	}
	fmt.Println("calls:", db.Calls())
	// Output:
	// "" unavailable
	// "" unavailable
	// "db: user:42" <nil>
	// calls: 3
}
