package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/backend"
	"github.com/wherewaiting/workshop/internal/timeline"
	delivery "github.com/wherewaiting/workshop/lessons/09-delivery"
)

// Exercise 6: coalesce duplicate reads. A thousand callers asking for the
// same cold key at once make one call, and each still waits only as long
// as it wants to.

// errDown is what a database that is down answers.
var errDown = errors.New("database unavailable")

// A read is what one Get returned, and when.
type read struct {
	value string
	err   error
	at    time.Duration
}

// goGet calls Get in a goroutine of its own; the answer arrives on the
// returned channel.
func goGet(ctx context.Context, r *delivery.Reader, key string, start time.Time) <-chan read {
	out := make(chan read, 1)
	go func() {
		v, err := r.Get(ctx, key)
		out <- read{value: v, err: err, at: time.Since(start)}
	}()
	return out
}

// collect waits for every read, for at most patience in all, and returns
// what each got; a read still waiting then is reported as such.
func collect(t *testing.T, reads []<-chan read) []read {
	t.Helper()
	giveUp := time.After(patience)
	out := make([]read, len(reads))
	for i, c := range reads {
		select {
		case out[i] = <-c:
		case <-giveUp:
			t.Fatalf("after %v, %d of %d callers of Get were still waiting", patience, len(reads)-i, len(reads))
		}
	}
	return out
}

// loadFrom is a Load that calls db.
func loadFrom(db *backend.Backend) delivery.Load {
	return func(ctx context.Context, key string) (string, error) { return db.Call(ctx, key) }
}

func TestAThousandReadsOfAColdKeyMakeOneCall(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const callers = 1000
		start := time.Now()
		db := backend.New("database", backend.Latency(time.Second))
		r := delivery.NewReader(loadFrom(db), 5*time.Second)

		// A thousand callers, no synctest.Wait between them: they really
		// overlap, as they do when a popular key falls out of a cache.
		var reads []<-chan read
		for range callers {
			reads = append(reads, goGet(t.Context(), r, "user:42", start))
		}
		got := collect(t, reads)
		same := 0
		for _, g := range got {
			if g.err == nil && g.value == "database: user:42" && g.at == time.Second {
				same++
			}
		}
		picture := table([][]string{
			{"callers", "database calls", "got the value at 1s"},
			{fmt.Sprint(callers), fmt.Sprint(db.Calls()), fmt.Sprint(same)},
		})
		timeline.Keep(t, "coalesced-reads", picture)

		assert.Equal(t, 1, db.Calls(),
			"%d callers asked for user:42 at the same instant and the database got %d calls: while a read of a key "+
				"is in flight, callers of the same key should wait for it and share its answer "+
				"(golang.org/x/sync/singleflight)\n%s", callers, db.Calls(), picture)
		assert.Equal(t, 1, db.PeakInFlight(), "the database should never see two reads of one key at once")
		assert.Equal(t, callers, same,
			"every caller should get the one read's value, the moment it arrives (1s)\n%s", picture)
	})
}

func TestACallerWhoseDeadlineComesFirstStopsWaiting(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		db := backend.New("database", backend.Latency(time.Second))
		r := delivery.NewReader(loadFrom(db), 5*time.Second)

		patient := goGet(t.Context(), r, "user:42", start)
		ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
		defer cancel()
		hurried := goGet(ctx, r, "user:42", start)
		got := collect(t, []<-chan read{patient, hurried})

		assert.ErrorIs(t, got[1].err, context.DeadlineExceeded, "the hurried caller's ctx ended before the value came")
		assert.Equal(t, 200*time.Millisecond, got[1].at,
			"the hurried caller had 200ms and waited %v: joining a read in flight must not make a caller wait past "+
				"its own deadline. Wait for the shared answer with DoChan, in a select with ctx.Done()", got[1].at)
		require.NoError(t, got[0].err, "the patient caller should get the value")
		assert.Equal(t, time.Second, got[0].at, "the patient caller gets the value at 1s")
		assert.Equal(t, 1, db.Calls(), "both callers want user:42 at once: one database call")
		assert.Zero(t, db.Stats().GaveUp, "the read itself goes on when one caller leaves")
	})
}

func TestTheFirstCallerGivingUpDoesNotFailTheOthers(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const others = 9
		start := time.Now()
		db := backend.New("database", backend.Latency(time.Second))
		r := delivery.NewReader(loadFrom(db), 5*time.Second)

		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		first := goGet(ctx, r, "user:42", start) // starts the read
		at(start, 10*time.Millisecond)
		var reads []<-chan read
		for range others {
			reads = append(reads, goGet(t.Context(), r, "user:42", start))
		}
		at(start, 100*time.Millisecond)
		cancel() // the caller who started the read goes away
		got := collect(t, append([]<-chan read{first}, reads...))

		assert.ErrorIs(t, got[0].err, context.Canceled, "the first caller cancelled at 100ms and should be let go")
		assert.Equal(t, 100*time.Millisecond, got[0].at, "the first caller should be let go the moment it cancels")
		for i, g := range got[1:] {
			require.NoError(t, g.err,
				"caller %d joined the read at 10ms, and got %v when the caller who started it cancelled at 100ms. "+
					"The shared read must not run on that caller's ctx: its cancellation fails every caller who "+
					"joined. Run it on context.WithoutCancel(ctx), with a timeout of its own", i+2, g.err)
			assert.Equal(t, time.Second, g.at, "caller %d should get the value at 1s", i+2)
		}
		assert.Equal(t, 1, db.Calls(), "one read for all of them")
		assert.Zero(t, db.Stats().GaveUp, "the read should not be cancelled: %d callers still wait for it", others)
	})
}

func TestTheSharedReadHasATimeoutOfItsOwn(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const callers = 5
		start := time.Now()
		db := backend.New("database", backend.Hang())
		defer db.Release()
		r := delivery.NewReader(loadFrom(db), 2*time.Second)

		var reads []<-chan read
		for range callers {
			reads = append(reads, goGet(t.Context(), r, "user:42", start)) // no deadline of their own
		}
		got := collect(t, reads)

		for i, g := range got {
			assert.ErrorIs(t, g.err, delivery.ErrReadTimeout,
				"caller %d has no deadline, and the database hangs: the shared read's own timeout (2s) should end it "+
					"for everyone, with an error wrapping ErrReadTimeout", i+1)
			assert.NotErrorIs(t, g.err, context.DeadlineExceeded,
				"caller %d: context.DeadlineExceeded says that the caller's own deadline passed, and no caller had "+
					"one (lesson 02: whose limit ran out). Say it was the shared read's timeout: ErrReadTimeout", i+1)
			assert.Equal(t, 2*time.Second, g.at, "caller %d should get the timeout at 2s, the read's own deadline", i+1)
		}
		assert.Equal(t, 1, db.Stats().GaveUp, "the hung read should be cancelled at its timeout, not left running")

		db.Set(backend.Recover(), backend.Latency(time.Second))
		at(start, 3*time.Second)
		again := collect(t, []<-chan read{goGet(t.Context(), r, "user:42", start)})[0]
		require.NoError(t, again.err, "at 3s the database answers again; a new Get should start a new read")
		assert.Equal(t, 2, db.Calls(), "a Reader shares reads in flight only: once a read ended, the next Get makes a new one")
	})
}

func TestEveryCallerSharesTheReadsError(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const callers = 50
		start := time.Now()
		db := backend.New("database", backend.Latency(time.Second), backend.FailFunc(func(n int) error {
			if n == 1 {
				return errDown
			}
			return nil
		}))
		r := delivery.NewReader(loadFrom(db), 5*time.Second)

		var reads []<-chan read
		for range callers {
			reads = append(reads, goGet(t.Context(), r, "user:42", start))
		}
		got := collect(t, reads)
		for i, g := range got {
			require.ErrorIs(t, g.err, errDown, "caller %d: the one read failed, and every caller who waited for it shares its error", i+1)
			require.Equal(t, time.Second, g.at, "caller %d gets the error when the read fails, at 1s", i+1)
		}
		assert.Equal(t, 1, db.Calls(), "%d callers, one read: its error too is shared", callers)

		at(start, 2*time.Second)
		again := collect(t, []<-chan read{goGet(t.Context(), r, "user:42", start)})[0]
		require.NoError(t, again.err,
			"at 2s the failed read is over; a new Get should read again (and succeed), not be given the old error: "+
				"coalescing is not a cache")
		assert.Equal(t, 2, db.Calls())
	})
}

func TestForgetStartsAFreshReadAfterAWrite(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		db := backend.New("database", backend.Latency(2*time.Second), backend.Reply(func(n int, key string) string {
			return fmt.Sprintf("%s, version %d", key, n)
		}))
		r := delivery.NewReader(loadFrom(db), 5*time.Second)

		before := goGet(t.Context(), r, "user:42", start) // reads version 1, from 0s to 2s
		at(start, time.Second)
		// user:42 is written now: the read in flight may return what was
		// there before the write.
		r.Forget("user:42")
		after := goGet(t.Context(), r, "user:42", start)
		at(start, 1500*time.Millisecond)
		joins := goGet(t.Context(), r, "user:42", start)
		at(start, 2500*time.Millisecond) // the read from before the write is over, and its callers have their answer
		joinsLater := goGet(t.Context(), r, "user:42", start)
		got := collect(t, []<-chan read{before, after, joins, joinsLater})

		assert.Equal(t, "user:42, version 1", got[0].value, "the read that began before the write returns what it read")
		assert.Equal(t, "user:42, version 2", got[1].value,
			"after the write at 1s, Forget should make the next Get start a new read instead of joining the one in "+
				"flight (which began before the write and returns version 1)")
		assert.Equal(t, 3*time.Second, got[1].at, "the new read takes 2s, from 1s")
		assert.Equal(t, "user:42, version 2", got[2].value, "a Get at 1.5s joins the new read, not the old one")
		assert.Equal(t, 3*time.Second, got[2].at, "and gets its value with it, at 3s")
		assert.Equal(t, "user:42, version 2", got[3].value,
			"a Get at 2.5s joins the read still in flight (from 1s to 3s). If it started a read of its own, something "+
				"forgot the read in flight: Forget only after a write, never when an old read's answer arrives")
		assert.Equal(t, 3*time.Second, got[3].at, "the Get at 2.5s gets its value with the read it joined, at 3s")
		assert.Equal(t, 2, db.Calls(), "two reads: the one before the write, and the one after")
	})
}

func TestASharedReadNeedsATimeout(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		db := backend.New("database")
		for _, timeout := range []time.Duration{0, -time.Second} {
			assert.Panics(t, func() { delivery.NewReader(loadFrom(db), timeout) },
				"a shared read with a timeout of %v would give up before it began, for every caller: NewReader "+
					"should refuse it (panic)", timeout)
		}
		assert.NotPanics(t, func() { delivery.NewReader(loadFrom(db), time.Nanosecond) })
	})
}

func TestReadsAndForgetsOverlapWithoutARace(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const keys, callers = 5, 100
		start := time.Now()
		db := backend.New("database", backend.Latency(time.Second))
		r := delivery.NewReader(loadFrom(db), 5*time.Second)

		// Readers and writers of five keys start together, with no
		// synctest.Wait between them: whatever the Reader keeps beside
		// its group must be safe for all of them at once.
		gate := make(chan struct{})
		var reads []<-chan read
		for i := range callers {
			key := fmt.Sprintf("user:%d", i%keys)
			out := make(chan read, 1)
			go func() {
				<-gate
				v, err := r.Get(t.Context(), key)
				out <- read{value: v, err: err, at: time.Since(start)}
			}()
			reads = append(reads, out)
			go func() {
				<-gate
				r.Forget(key)
			}()
		}
		close(gate)
		got := collect(t, reads)

		for i, g := range got {
			require.NoError(t, g.err, "caller %d", i+1)
			require.Equal(t, fmt.Sprintf("database: user:%d", i%keys), g.value, "caller %d should get its own key's value", i+1)
			require.Equal(t, time.Second, g.at, "caller %d: every read takes 1s, from 0s", i+1)
		}
		assert.GreaterOrEqual(t, db.Calls(), keys, "each of the %d keys needs one read at least", keys)
		assert.LessOrEqual(t, db.Calls(), callers, "never more reads than callers")
	})
}
