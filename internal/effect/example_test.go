package effect_test

import (
	"fmt"

	"github.com/wherewaiting/workshop/internal/effect"
)

// A worker paused past its lease and another took the job over with a newer
// fencing token. The paused one comes back and writes: the store refuses it,
// and the card is charged once.
func ExampleStore_Fenced() {
	charges := effect.New("charge")

	receipt, err := charges.Fenced("order-7", 34) // the worker that took over
	fmt.Println(receipt, err)
	receipt, err = charges.Fenced("order-7", 33) // the paused one, back
	fmt.Printf("%q %v\n", receipt, err)
	fmt.Println("charges for order-7:", charges.Count("order-7"))
	// Output:
	// charge #1 for order-7 <nil>
	// "" charge for order-7 with token 33: stale fencing token (token 34 has written since)
	// charges for order-7: 1
}
