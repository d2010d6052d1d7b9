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

// A slow owner's charge reached the card first; the one that took its key
// over sends the same charge again. Fencing tokens would let both through
// (the newer token is always allowed); a card that knows the idempotency
// key answers the repeat with the first receipt.
func ExampleStore_Keyed() {
	charges := effect.New("charge")

	fmt.Println(charges.Keyed("order-7", "order-7/charge")) // the slow owner, first
	fmt.Println(charges.Keyed("order-7", "order-7/charge")) // the one that took over
	fmt.Println("charges for order-7:", charges.Count("order-7"))
	// Output:
	// charge #1 for order-7
	// charge #1 for order-7
	// charges for order-7: 1
}
