package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/effect"
	"github.com/wherewaiting/workshop/internal/timeline"
	delivery "github.com/wherewaiting/workshop/lessons/09-delivery"
)

// Exercise 3: idempotent effects. A store of keys makes the effect happen
// once, however many times it is asked for.

// errDeclined is the card provider's answer to a charge it refused: the
// request was processed, and its outcome is known.
var errDeclined = errors.New("card_declined")

// charging is an effect that works for d, then charges the card for key
// with the store's token as its fencing token.
func charging(charges *effect.Store, key string, d time.Duration) delivery.Effect {
	return func(ctx context.Context, token delivery.Token) (string, error) {
		if err := sleep(ctx, d); err != nil {
			return "", err
		}
		return charges.Fenced(key, uint64(token))
	}
}

// keyed is an effect that works for d, then charges the card for key with
// the key itself as the idempotency key: the card charges once per key,
// and answers a repeat with the first receipt.
func keyed(charges *effect.Store, key string, d time.Duration) delivery.Effect {
	return func(ctx context.Context, token delivery.Token) (string, error) {
		if err := sleep(ctx, d); err != nil {
			return "", err
		}
		return charges.Keyed(key, key), nil
	}
}

// An outcome is what one Once returned, and when.
type outcome struct {
	result string
	err    error
	at     time.Duration
}

// request is what a test asks for under key: the same every time, unless
// a test says otherwise.
func request(key string) string { return "charge 10 EUR for " + key }

// goOnce calls Once in a goroutine of its own, as a client or a worker
// would; the answer arrives on the returned channel.
func goOnce(ctx context.Context, s *delivery.Store, key string, e delivery.Effect, start time.Time) <-chan outcome {
	return goOnceFor(ctx, s, key, request(key), e, start)
}

// goOnceFor is goOnce with a request of the test's choosing.
func goOnceFor(ctx context.Context, s *delivery.Store, key, req string, e delivery.Effect, start time.Time) <-chan outcome {
	out := make(chan outcome, 1)
	go func() {
		result, err := s.Once(ctx, key, req, e)
		out <- outcome{result: result, err: err, at: time.Since(start)}
	}()
	return out
}

// await waits for an outcome, for at most patience.
func await(t *testing.T, c <-chan outcome, what string) outcome {
	t.Helper()
	select {
	case o := <-c:
		return o
	case <-time.After(patience):
		t.Fatalf("%s was still waiting in Once after %v", what, patience)
		return outcome{}
	}
}

// tryOutcome returns what arrived on c, if anything has.
func tryOutcome(c <-chan outcome) (outcome, bool) {
	select {
	case o := <-c:
		return o, true
	default:
		return outcome{}, false
	}
}

func TestADuplicateGetsTheStoredResultWithoutTheEffect(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)

		first := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the first call")
		require.NoError(t, first.err)
		at(start, 2*time.Second)
		again := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the duplicate")
		other := await(t, goOnce(t.Context(), s, "order-2", charging(charges, "order-2", time.Second), start), "another key")

		assert.Equal(t, "charge #1 for order-1", first.result, "the first call charges the card and returns the receipt")
		assert.Equal(t, 1, charges.Count("order-1"),
			"order-1 was charged %d times: the duplicate at 2s came after the first charge was done, and should get the "+
				"stored receipt without charging again\n%s", charges.Count("order-1"), charges.Table(start))
		require.NoError(t, again.err)
		assert.Equal(t, first.result, again.result, "the duplicate should get the first call's receipt")
		assert.Equal(t, 2*time.Second, again.at, "a done key is answered at once: the duplicate should not wait")
		require.NoError(t, other.err)
		assert.Equal(t, "charge #2 for order-2", other.result, "another key is another effect: order-2 should be charged")
		assert.Equal(t, 3*time.Second, other.at, "order-2's charge takes 1s, from 2s")
	})
}

func TestAHundredConcurrentDuplicatesRunTheEffectOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const duplicates = 100
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)

		// A client retried, a message was redelivered, a user clicked twice:
		// a hundred callers ask for the same charge at the same instant.
		// They start together, with no synctest.Wait between them, so that
		// a look at the key and its reservation in two critical sections
		// (or a read outside the lock) shows.
		gate := make(chan struct{})
		var outs []<-chan outcome
		for range duplicates {
			out := make(chan outcome, 1)
			go func() {
				<-gate
				result, err := s.Once(t.Context(), "order-1", request("order-1"), charging(charges, "order-1", time.Second))
				out <- outcome{result: result, err: err, at: time.Since(start)}
			}()
			outs = append(outs, out)
		}
		close(gate)
		var got []outcome
		for i, c := range outs {
			got = append(got, await(t, c, fmt.Sprintf("duplicate %d", i+1)))
		}

		require.Equal(t, 1, charges.Count("order-1"),
			"%d callers asked for the charge of order-1 at the same instant, and the card was charged %d times: "+
				"exactly one caller should reserve the key and charge; the others should wait for it. Look up the "+
				"key and reserve it in the same critical section\n%s", duplicates, charges.Count("order-1"), charges.Table(start))
		for i, o := range got {
			require.NoError(t, o.err, "duplicate %d", i+1)
			require.Equal(t, "charge #1 for order-1", o.result, "duplicate %d should get the one receipt", i+1)
			require.Equal(t, time.Second, o.at,
				"duplicate %d returned at %v: the charge took 1s, and every duplicate should get its receipt the moment it "+
					"is stored, not before and not at the end of the owner's hold", i+1, o.at)
		}
	})
}

func TestDuplicatesOfManyKeysAtOnceChargeEachKeyOnce(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const keys, duplicates = 20000, 4
		s := delivery.NewStore(10 * time.Second)
		var twice []string
		for k := range keys {
			key := fmt.Sprintf("order-%d", k)
			// The duplicates of one key start together and overlap: no
			// synctest.Wait between them, and an effect that takes no time.
			// A key seen free in one critical section and reserved in
			// another shows as two charges when two duplicates run at
			// once on two processors: rarely in one round, some times in
			// thousands.
			var charged atomic.Int32
			gate := make(chan struct{})
			var wg sync.WaitGroup
			for range duplicates {
				wg.Go(func() {
					<-gate
					_, _ = s.Once(t.Context(), key, request(key), func(context.Context, delivery.Token) (string, error) {
						return fmt.Sprintf("charge #%d for %s", charged.Add(1), key), nil
					})
				})
			}
			close(gate)
			wg.Wait()
			if n := charged.Load(); n != 1 {
				twice = append(twice, fmt.Sprintf("%s charged %d times", key, n))
			}
		}
		assert.Empty(t, twice,
			"%d keys, each asked for by %d callers at once: each should be charged once, and %d were charged more "+
				"(%s). Look the key up and reserve it in the same critical section: a key seen free in one and "+
				"reserved in a second is reserved by every caller who saw it free", keys, duplicates, len(twice),
			strings.Join(twice[:min(len(twice), 3)], "; "))
	})
}

// paused is an effect whose owner stops at the start and never comes back
// until release is closed (at the end of the test): a crashed worker and a
// paused one look the same from outside. Then it returns errFailed without
// charging.
func paused(release <-chan struct{}) delivery.Effect {
	return func(ctx context.Context, token delivery.Token) (string, error) {
		<-release
		return "", errFailed
	}
}

func TestAnOwnerThatVanishedIsTakenOverWhenItsHoldEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(5 * time.Second)
		release := make(chan struct{})
		var once sync.Once
		comeBack := func() { once.Do(func() { close(release) }) }
		defer comeBack()

		gone := goOnce(t.Context(), s, "order-1", paused(release), start)
		at(start, time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		dup := goOnce(ctx, s, "order-1", charging(charges, "order-1", time.Second), start)
		at(start, 5*time.Second-time.Nanosecond)
		got, early := tryOutcome(dup)
		if !early {
			got = await(t, dup, "the duplicate")
		}
		comeBack()
		await(t, gone, "the owner that vanished")
		after := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "a later call")

		assert.False(t, early, "the duplicate should wait while the owner's hold lasts (0s to 5s)")
		require.NoError(t, got.err,
			"the owner reserved order-1 at 0s and vanished (crashed, or paused: from outside they look the same). "+
				"Its hold ended at 5s: the duplicate, waiting since 1s, should take the key over then and charge. "+
				"A reservation without an expiry blocks its key for ever\n%s", charges.Table(start))
		assert.Equal(t, 6*time.Second, got.at, "the duplicate should take over at exactly 5s and charge by 6s")
		assert.Equal(t, "charge #1 for order-1", got.result)
		require.NoError(t, after.err, "the key is done: a later call gets its receipt")
		assert.Equal(t, got.result, after.result,
			"a later call should get the receipt of the charge that happened, whatever the owner that vanished did "+
				"when it came back")
		assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
	})
}

func TestADuplicateThatStopsWaitingLeavesTheReservationAlone(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)

		owner := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", 3*time.Second), start)
		at(start, 500*time.Millisecond)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		impatient := goOnce(ctx, s, "order-1", charging(charges, "order-1", time.Second), start)
		at(start, 2*time.Second)
		patient := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start)

		i := await(t, impatient, "the impatient duplicate")
		o := await(t, owner, "the owner")
		p := await(t, patient, "the patient duplicate")

		assert.ErrorIs(t, i.err, context.DeadlineExceeded, "the impatient duplicate's ctx ended while it waited")
		assert.Equal(t, 1500*time.Millisecond, i.at,
			"the impatient duplicate came at 0.5s with 1s to wait: it should give up at 1.5s, not wait for the "+
				"owner (3s). Wait in a select with ctx.Done()")
		require.NoError(t, o.err)
		require.NoError(t, p.err)
		assert.Equal(t, o.result, p.result,
			"the patient duplicate came at 2s and should get the owner's receipt at 3s: the one that gave up must "+
				"leave the reservation as it was\n%s", charges.Table(start))
		assert.Equal(t, 3*time.Second, p.at, "the patient duplicate should get the receipt the moment it is stored, at 3s")
		assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
	})
}

func TestACallerThatHasGoneReservesNothing(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)
		gone, leave := context.WithCancel(t.Context())
		leave()

		var runs atomic.Int32
		counted := func(ctx context.Context, token delivery.Token) (string, error) {
			runs.Add(1)
			return charging(charges, "order-1", time.Second)(ctx, token)
		}
		o := await(t, goOnce(gone, s, "order-1", counted, start), "the caller that has gone")
		next := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the next caller")

		assert.ErrorIs(t, o.err, context.Canceled, "a caller whose ctx is already done should get its ctx's error")
		assert.Zero(t, runs.Load(),
			"a caller whose ctx was done before it called Once ran the effect: nobody is there for its result. Check "+
				"ctx before reserving the key (the effect runs on a context its caller cannot cancel: it would run "+
				"for nobody)")
		require.NoError(t, next.err)
		assert.Equal(t, time.Second, next.at,
			"the next caller should find the key free and charge at once, by 1s, not wait for a reservation made "+
				"for nobody; it returned at %v", next.at)
		assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
	})
}

func TestAKeyReusedForAnotherRequestIsRefused(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)
		var runs atomic.Int32
		counted := func(ctx context.Context, token delivery.Token) (string, error) {
			runs.Add(1)
			return charging(charges, "order-1", time.Second)(ctx, token)
		}

		owner := goOnceFor(t.Context(), s, "order-1", "charge 10 EUR", counted, start)
		at(start, 500*time.Millisecond)
		during := await(t, goOnceFor(t.Context(), s, "order-1", "charge 99 EUR", counted, start), "a different request while the first runs")
		first := await(t, owner, "the first request")
		after := await(t, goOnceFor(t.Context(), s, "order-1", "charge 99 EUR", counted, start), "a different request after the first")
		same := await(t, goOnceFor(t.Context(), s, "order-1", "charge 10 EUR", counted, start), "the same request again")

		require.NoError(t, first.err)
		for _, o := range []struct {
			name string
			got  outcome
			at   time.Duration
		}{{"while the first one ran", during, 500 * time.Millisecond}, {"after it was done", after, time.Second}} {
			assert.ErrorIs(t, o.got.err, delivery.ErrKeyReused,
				"order-1 was first used for \"charge 10 EUR\"; a request for \"charge 99 EUR\" with the same key, %s, "+
					"is a client's mistake (or two clients with one key): refuse it with ErrKeyReused instead of "+
					"answering it with the receipt of another charge", o.name)
			assert.Empty(t, o.got.result, "a refused request gets no receipt")
			assert.Equal(t, o.at, o.got.at, "the reused key is refused at once (%s), without waiting for the owner", o.name)
		}
		require.NoError(t, same.err)
		assert.Equal(t, first.result, same.result, "the same request again gets the stored receipt")
		assert.Equal(t, int32(1), runs.Load(), "the effect ran once: for the first request")
	})
}

// A crash point is where a worker dies while it handles a message with a
// Store: the handler's steps are receive, reserve the key, charge, store
// the receipt, ack.
type crashPoint struct {
	name    string
	charges int // how many times the card is charged in the end
	why     string
}

var crashPoints = []crashPoint{
	{"before reserving", 1, "nothing done: the redelivery does it"},
	{"reserved, not charged", 1, "taken over when the hold ends"},
	{"charged, receipt not stored", 2, "the window: nobody knows it charged"},
	{"receipt stored, not acked", 1, "the redelivery gets the receipt"},
}

func TestACrashAtEachPointChargesAsOftenAsTheTableSays(t *testing.T) {
	defer goleak.VerifyNone(t)
	rows := [][]string{{"worker a dies", "charges", "acked", "why"}}
	var mu sync.Mutex
	for i, cp := range crashPoints {
		t.Run(cp.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := newRig(t, config())
				s := delivery.NewStore(5 * time.Second)
				r.q.Put("order-1")
				handler := func(ctx context.Context, d delivery.Delivery) error {
					crash := d.Attempt == 1
					if err := sleep(ctx, 500*time.Millisecond); err != nil {
						return err
					}
					if crash && i == 0 {
						runtime.Goexit()
					}
					_, err := s.Once(ctx, d.Body, request(d.Body), func(ctx context.Context, token delivery.Token) (string, error) {
						if crash && i == 1 {
							runtime.Goexit()
						}
						receipt := r.charge(d.Body)
						if crash && i == 2 {
							runtime.Goexit()
						}
						return receipt, nil
					})
					if crash && i == 3 {
						runtime.Goexit()
					}
					return err
				}
				r.goConsume("a", handler)
				at(r.start, 100*time.Millisecond)
				r.goConsume("b", handler)

				at(r.start, time.Minute)
				st := r.q.Stats()
				mu.Lock()
				rows = append(rows, []string{cp.name, fmt.Sprint(r.charges.Count("order-1")), fmt.Sprint(st.Acked), cp.why})
				mu.Unlock()
				assert.Equal(t, cp.charges, r.charges.Count("order-1"),
					"worker a died (%s): the card should be charged %d time(s) in the end (%s); it was charged %d times. "+
						"The steps: receive, reserve the key, charge, store the receipt, ack\n%s",
					cp.name, cp.charges, cp.why, r.charges.Count("order-1"), r.picture())
				assert.Equal(t, stats{Accepted: 1, Acked: 1}, placesOf(st),
					"worker b handles the redelivery and acks it\n%s", r.picture())
			})
		})
	}
	picture := table(rows)
	timeline.Keep(t, "crash-points", picture)
	t.Logf("where worker a dies, and what happens to order-1:\n%s", picture)
}

func TestAHoldMustBePositive(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		for _, hold := range []time.Duration{0, -time.Second} {
			assert.Panics(t, func() { delivery.NewStore(hold) },
				"a hold of %v would end as it begins: every duplicate would take the key over from an owner still "+
					"at work, and run the effect again. NewStore should refuse it (panic)", hold)
		}
		assert.NotPanics(t, func() { delivery.NewStore(time.Nanosecond) }, "a hold of 1ns is short, but it is a hold")
	})
}

// Exercise 4: what an owner may record. An effect that failed left
// something behind, or nothing, or nobody knows; and an owner that was
// only slow comes back after its key was taken over.

func TestAnEffectThatWasNeverSentGivesTheKeyUp(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)
		var runs atomic.Int32
		unsent := func(ctx context.Context, token delivery.Token) (string, error) {
			runs.Add(1)
			if err := sleep(ctx, time.Second); err != nil {
				return "", err
			}
			return "", fmt.Errorf("no connection to the card's provider: %w", delivery.ErrNotSent)
		}

		owner := goOnce(t.Context(), s, "order-1", unsent, start)
		at(start, 500*time.Millisecond)
		waiter := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start)
		o := await(t, owner, "the owner")
		w := await(t, waiter, "the duplicate")
		at(start, 3*time.Second)
		later := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the later call")

		assert.ErrorIs(t, o.err, delivery.ErrNotSent, "the owner's Once should return what went wrong")
		assert.Equal(t, time.Second, o.at, "the owner's attempt ended at 1s")
		require.NoError(t, w.err,
			"the owner's request never left (its error wraps ErrNotSent): nothing happened, so the key is free "+
				"again, and the duplicate waiting since 0.5s should take it over at 1s and charge; got %v", w.err)
		assert.Equal(t, 2*time.Second, w.at,
			"the owner gave the key up at 1s: the duplicate waiting for it should take over at once and charge "+
				"by 2s, not wait for the owner's hold to end (10s). It returned at %v\n%s", w.at, charges.Table(start))
		assert.Equal(t, "charge #1 for order-1", w.result, "the duplicate's charge is the first that happened")
		require.NoError(t, later.err)
		assert.Equal(t, w.result, later.result, "a call at 3s should get the stored receipt")
		assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
		assert.Equal(t, int32(1), runs.Load(), "the effect that was never sent ran once")
	})
}

func TestAnAnswerFromTheResourceIsStoredEvenAnError(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)
		var runs atomic.Int32
		declined := func(ctx context.Context, token delivery.Token) (string, error) {
			runs.Add(1)
			if err := sleep(ctx, time.Second); err != nil {
				return "", err
			}
			return "", fmt.Errorf("charging order-1: %w", errDeclined)
		}

		owner := goOnce(t.Context(), s, "order-1", declined, start)
		at(start, 500*time.Millisecond)
		waiter := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start)
		o := await(t, owner, "the owner")
		w := await(t, waiter, "the duplicate")
		at(start, 3*time.Second)
		later := await(t, goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start), "the later call")

		assert.ErrorIs(t, o.err, errDeclined, "the owner's Once should return the card's answer")
		assert.Equal(t, time.Second, o.at, "the card answered at 1s")
		assert.Zero(t, charges.Count("order-1"),
			"the card declined order-1 at 1s: that is its answer, as final as a receipt. Store it with the key "+
				"(Stripe keeps a 4xx or a 5xx like a success) and give it to every duplicate; the key was given up "+
				"instead, and a duplicate charged\n%s", charges.Table(start))
		for _, d := range []struct {
			name string
			got  outcome
			at   time.Duration
		}{{"the duplicate waiting since 0.5s", w, time.Second}, {"the call at 3s", later, 3 * time.Second}} {
			assert.ErrorIs(t, d.got.err, errDeclined, "%s should get the card's answer, without charging", d.name)
			assert.Equal(t, d.at, d.got.at, "%s should get the answer the moment it is known", d.name)
		}
		assert.Equal(t, int32(1), runs.Load(), "the effect ran once: for the owner")
	})
}

func TestAnEffectWhoseOutcomeIsUnknownKeepsTheKeyUntilItsHoldEnds(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(5 * time.Second)
		reset := func(ctx context.Context, token delivery.Token) (string, error) {
			if err := sleep(ctx, 500*time.Millisecond); err != nil {
				return "", err
			}
			charges.Keyed("order-1", "order-1") // the request reached the card…
			if err := sleep(ctx, 500*time.Millisecond); err != nil {
				return "", err
			}
			// …and the answer never came back.
			return "", fmt.Errorf("the connection was reset after the request was sent: %w", delivery.ErrOutcomeUnknown)
		}

		owner := goOnce(t.Context(), s, "order-1", reset, start)
		at(start, 600*time.Millisecond)
		dup := goOnce(t.Context(), s, "order-1", keyed(charges, "order-1", time.Second), start)
		o := await(t, owner, "the owner")
		at(start, 3*time.Second)
		another := goOnce(t.Context(), s, "order-1", keyed(charges, "order-1", time.Second), start)
		at(start, 5*time.Second-time.Nanosecond)
		_, early := tryOutcome(dup)
		_, earlyToo := tryOutcome(another)
		d := await(t, dup, "the duplicate")
		a := await(t, another, "the call at 3s")

		assert.ErrorIs(t, o.err, delivery.ErrOutcomeUnknown, "the owner's Once should say that nobody knows what happened")
		assert.Empty(t, o.result, "an owner that does not know its outcome has no receipt to give")
		assert.Equal(t, time.Second, o.at, "the connection was reset at 1s")
		assert.False(t, early || earlyToo,
			"the owner's charge may have happened (it did): the key must stay reserved until its hold ends (5s), "+
				"so that no duplicate charges meanwhile. Give it up only when nothing was sent (ErrNotSent)\n%s",
			charges.Table(start))
		for _, c := range []struct {
			name string
			got  outcome
		}{{"the duplicate waiting since 0.6s", d}, {"the call at 3s", a}} {
			require.NoError(t, c.got.err, "%s: at 5s the hold ends and the key is taken over", c.name)
			assert.Equal(t, 6*time.Second, c.got.at, "%s: taken over at 5s, charged (again, under the same key) by 6s", c.name)
			assert.Equal(t, "charge #1 for order-1", c.got.result,
				"%s: the owner that took over repeats the request under the same idempotency key, and the card answers "+
					"with the first charge's receipt", c.name)
		}
		assert.Equal(t, 1, charges.Count("order-1"), "the card knows the key: charged once\n%s", charges.Table(start))
	})
}

func TestAnOwnersCallerLeavingDoesNotStopItsEffect(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		charges := effect.New("charge")
		s := delivery.NewStore(10 * time.Second)
		var deadline time.Time
		var hasDeadline bool
		var stopped error
		charge := func(ctx context.Context, token delivery.Token) (string, error) {
			deadline, hasDeadline = ctx.Deadline()
			if err := sleep(ctx, 500*time.Millisecond); err != nil {
				return "", err
			}
			receipt := charges.Apply("order-1") // the request reached the card at 0.5s…
			if err := sleep(ctx, 1500*time.Millisecond); err != nil {
				stopped = err
				return "", err
			}
			return receipt, nil // …and its answer came back at 2s
		}

		ctx, cancel := context.WithTimeout(t.Context(), time.Second) // the owner's caller gives up at 1s
		defer cancel()
		owner := goOnce(ctx, s, "order-1", charge, start)
		at(start, 600*time.Millisecond)
		waiter := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start)
		o := await(t, owner, "the owner")
		w := await(t, waiter, "the duplicate")

		assert.NoError(t, stopped,
			"the owner's caller gave up at 1s, while its charge was on its way: the effect should not be cancelled "+
				"with it (an effect cut short halfway has an outcome nobody knows). Run it on "+
				"context.WithoutCancel(ctx), with a deadline of its own")
		assert.Equal(t, 1, charges.Count("order-1"), "the card should be charged once\n%s", charges.Table(start))
		require.NoError(t, o.err, "the owner's effect finished at 2s and its receipt was stored")
		assert.Equal(t, "charge #1 for order-1", o.result)
		assert.Equal(t, 2*time.Second, o.at, "the owner's Once returns when its effect is over, at 2s")
		require.NoError(t, w.err)
		assert.Equal(t, o.result, w.result, "the duplicate, waiting since 0.6s, should get the owner's receipt at 2s")
		assert.Equal(t, 2*time.Second, w.at)
		assert.True(t, hasDeadline && deadline.Equal(start.Add(10*time.Second)),
			"the effect's context should end when the owner's hold ends (10s): past it a duplicate may take over, "+
				"and the owner should not go on calling the card; its deadline was %v (set: %v)",
			deadline.Sub(start), hasDeadline)
	})
}

func TestAnOwnerThatWasOnlySlowCannotWriteOverTheOneThatTookOver(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name string
		late func(charges *effect.Store, token delivery.Token) (string, error) // what the slow owner does at 8s
	}{
		{
			name: "its charge is refused by the fenced card",
			late: func(charges *effect.Store, token delivery.Token) (string, error) {
				return charges.Fenced("order-1", uint64(token))
			},
		},
		{
			name: "it returns a receipt of its own",
			late: func(*effect.Store, delivery.Token) (string, error) { return "a receipt nobody charged", nil },
		},
		{
			name: "it finds its request was never sent",
			late: func(*effect.Store, delivery.Token) (string, error) {
				return "", fmt.Errorf("the connection was gone: %w", delivery.ErrNotSent)
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				tl := timeline.New()
				charges := effect.New("charge")
				s := delivery.NewStore(5 * time.Second)

				// Paused for 8s (a long garbage collection, a full disk): longer
				// than its 5s hold, and deaf to its context meanwhile.
				slowEffect := func(ctx context.Context, token delivery.Token) (string, error) {
					time.Sleep(8 * time.Second)
					return tc.late(charges, token)
				}
				// Charges at 6s, and hears back at 9s.
				fastEffect := func(ctx context.Context, token delivery.Token) (string, error) {
					receipt, err := charging(charges, "order-1", time.Second)(ctx, token)
					if err != nil {
						return "", err
					}
					if err := sleep(ctx, 3*time.Second); err != nil {
						return "", err
					}
					return receipt, nil
				}
				slow := goOnce(t.Context(), s, "order-1", drawnEffect(tl, "  its effect", slowEffect), start)
				at(start, time.Second)
				fast := goOnce(t.Context(), s, "order-1", drawnEffect(tl, "  its effect", fastEffect), start)
				at(start, 8500*time.Millisecond)
				later := goOnce(t.Context(), s, "order-1", charging(charges, "order-1", time.Second), start)
				f := await(t, fast, "the owner that took over")
				sl := await(t, slow, "the slow owner")
				l := await(t, later, "a call at 8.5s")
				// Each caller's Once, with the effects that ran under it.
				rows := []timeline.Span{{Who: "slow owner's Once: " + short(sl), Start: start, End: start.Add(sl.at)}}
				var dup []timeline.Span
				for _, e := range tl.Spans() {
					if e.Start.Before(start.Add(time.Second)) {
						rows = append(rows, e)
					} else {
						dup = append(dup, e)
					}
				}
				rows = append(rows, timeline.Span{Who: "duplicate's Once: " + short(f), Start: start.Add(time.Second), End: start.Add(f.at)})
				picture := timeline.Render(start, time.Now(), append(rows, dup...)) + "the card:\n" + charges.Table(start)
				if tc.name == "its charge is refused by the fenced card" {
					timeline.Keep(t, "fencing", picture)
				}

				require.NoError(t, f.err, "the duplicate took over at 5s and charged\n%s", picture)
				assert.Equal(t, "charge #1 for order-1", f.result, "the duplicate's charge is the one that happened\n%s", picture)
				assert.Equal(t, 9*time.Second, f.at,
					"the duplicate takes over when the slow owner's hold ends (5s), charges at 6s, hears back at 9s\n%s", picture)
				assert.ErrorIs(t, sl.err, delivery.ErrLeaseLost,
					"the slow owner's hold ended at 5s and its key was taken over; when it came back at 8s its Once "+
						"should fail with ErrLeaseLost, whatever its effect returned\n%s", picture)
				assert.Empty(t, sl.result,
					"the slow owner was taken over: its Once should return no receipt with ErrLeaseLost, or a caller "+
						"who looks at the receipt first takes its charge for one that stood\n%s", picture)
				require.NoError(t, l.err,
					"a call at 8.5s should wait for the owner that took over, and get its receipt: the slow owner, "+
						"back at 8s while the new owner was still at work, must neither overwrite its reservation nor "+
						"give the key up\n%s", picture)
				assert.Equal(t, f.result, l.result, "the call at 8.5s gets the new owner's receipt\n%s", picture)
				assert.Equal(t, 9*time.Second, l.at, "the call at 8.5s waits for the new owner, until 9s\n%s", picture)
				assert.Equal(t, 1, charges.Count("order-1"),
					"the card should be charged once: the owner that took over wrote first, with a newer token, so "+
						"the fenced card refuses the slow owner's charge at 8s\n%s", picture)
			})
		})
	}
}

func TestFencingDoesNotStopAChargeThatLandedFirst(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, tc := range []struct {
		name    string
		picture string
		charge  func(charges *effect.Store, token delivery.Token) (string, error)
		charged int
		why     string
	}{
		{
			name: "the card checks fencing tokens", picture: "fencing-too-late",
			charge: func(charges *effect.Store, token delivery.Token) (string, error) {
				return charges.Fenced("order-1", uint64(token))
			},
			charged: 2,
			why: "a fenced card refuses a token older than the newest it has seen; the slow owner's token 1 came " +
				"first, the new owner's token 2 after it, and both charges went through. Fencing protects a write " +
				"that would overwrite a newer one; it does nothing to a charge that arrived first",
		},
		{
			name: "the card knows the idempotency key", picture: "idempotency-key",
			charge: func(charges *effect.Store, token delivery.Token) (string, error) {
				return charges.Keyed("order-1", "order-1"), nil
			},
			charged: 1,
			why: "the card remembers the key: the new owner's request is a repeat, and the card answers it with the " +
				"first charge's receipt",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				start := time.Now()
				charges := effect.New("charge")
				s := delivery.NewStore(5 * time.Second)
				// The provider is slow to answer: the slow owner's request reaches
				// the card at 0.1s, and its answer would take 8s.
				slowEffect := func(ctx context.Context, token delivery.Token) (string, error) {
					if err := sleep(ctx, 100*time.Millisecond); err != nil {
						return "", err
					}
					receipt, err := tc.charge(charges, token)
					if err := sleep(ctx, 7900*time.Millisecond); err != nil {
						return "", err
					}
					return receipt, err
				}
				newEffect := func(ctx context.Context, token delivery.Token) (string, error) {
					if err := sleep(ctx, time.Second); err != nil {
						return "", err
					}
					return tc.charge(charges, token)
				}
				slow := goOnce(t.Context(), s, "order-1", slowEffect, start)
				at(start, time.Second)
				dup := goOnce(t.Context(), s, "order-1", newEffect, start)
				sl := await(t, slow, "the slow owner")
				d := await(t, dup, "the duplicate")
				at(start, 7*time.Second)
				later := await(t, goOnce(t.Context(), s, "order-1", newEffect, start), "a call at 7s")
				picture := tc.name + ":\n" + charges.Table(start)
				timeline.Keep(t, tc.picture, picture)

				assert.True(t, errors.Is(sl.err, delivery.ErrOutcomeUnknown) || errors.Is(sl.err, delivery.ErrLeaseLost),
					"the slow owner's effect was still waiting for its answer when its hold ended (5s): it does not "+
						"know what happened, or has been taken over; got %q, %v", sl.result, sl.err)
				assert.Empty(t, sl.result, "the slow owner has no receipt to give")
				require.NoError(t, d.err, "the duplicate took over at 5s\n%s", picture)
				assert.Equal(t, 6*time.Second, d.at, "the duplicate takes over at 5s and charges by 6s\n%s", picture)
				require.NoError(t, later.err)
				assert.Equal(t, d.result, later.result, "a call at 7s gets the stored receipt")
				assert.Equal(t, tc.charged, charges.Count("order-1"), "%s\n%s", tc.why, picture)
				if tc.charged == 1 {
					assert.Equal(t, "charge #1 for order-1", d.result, "the new owner's receipt is the first charge's")
				}
			})
		})
	}
}

// drawnEffect wraps e so that each run of it is a span on tl, named with
// the token it got.
func drawnEffect(tl *timeline.Timeline, name string, e delivery.Effect) delivery.Effect {
	return func(ctx context.Context, token delivery.Token) (string, error) {
		defer tl.Begin(fmt.Sprintf("%s, token %d", name, token))()
		return e(ctx, token)
	}
}

// short says in a few words what a Once returned.
func short(o outcome) string {
	switch {
	case errors.Is(o.err, delivery.ErrLeaseLost):
		return "ErrLeaseLost"
	case o.err != nil:
		return "error"
	}
	return fmt.Sprintf("%q", o.result)
}
