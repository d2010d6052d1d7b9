// Mistake: a hand-rolled fan-out with a WaitGroup and a plain cancel func returns errors.Join of every part's error, so the one real failure comes buried among the cancellations it caused (and context.Cause only says "context canceled", not why).
// Caught by: TestTheFirstErrorCancelsTheOtherQueries, TestHandleReturnsTheFirstErrorNotTheCancellations

package fanout

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"golang.org/x/sync/errgroup"
)

// Handle asks the three backends for userID's parts ("profile:<userID>",
// "orders:<userID>", "recommendations:<userID>"), all at the same time, and
// waits for all three: the caller waits as long as the slowest one. The
// first part to fail ends the wait: the other queries are cancelled, and
// Handle returns that first error, which names the part.
func (s *Service) Handle(ctx context.Context, userID string) (Dashboard, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var d Dashboard
	var errs [3]error // one each: no race
	var wg sync.WaitGroup
	part := func(i int, b Backend, name string, into *string) {
		defer wg.Done()
		*into, errs[i] = ask(ctx, b, name, userID)
		if errs[i] != nil {
			cancel() // stop the others
		}
	}
	wg.Add(3)
	go part(0, s.profiles, "profile", &d.Profile)
	go part(1, s.orders, "orders", &d.Orders)
	go part(2, s.recommendations, "recommendations", &d.Recommendations)
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil { // "report everything that went wrong"
		return Dashboard{}, err
	}
	return d, nil
}
