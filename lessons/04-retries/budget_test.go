package retries_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/wherewaiting/workshop/internal/backend"
	retries "github.com/wherewaiting/workshop/lessons/04-retries"
)

// Exercise 4: a retry budget, so that retries cannot multiply the load on a
// dependency that is down.

func TestBudgetAllowsOneRetryForEveryTenRequests(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		b := retries.NewBudget(0.1)
		for range 9 {
			b.Request()
		}
		assert.False(t, b.TryRetry(), "after 9 requests, 1 retry would be 1/9 = 11% of requests: more than 10%, so refuse it")
		b.Request()
		assert.True(t, b.TryRetry(), "after 10 requests, 1 retry is exactly 10% of requests: allow it")
		assert.False(t, b.TryRetry(), "after 10 requests and 1 retry, a 2nd retry would be 20%: refuse it")
		for range 10 {
			b.Request()
		}
		assert.True(t, b.TryRetry(), "after 20 requests and 1 retry, a 2nd retry is exactly 10%: allow it")
		assert.False(t, b.TryRetry(), "after 20 requests and 2 retries, a 3rd would be 15%: refuse it")
	})
}

// outage sends clients requests at once, each through Do with p, to a
// dependency that is down, and returns how many calls reached it and each
// request's error. Past 10 calls a request, the test stops the storm: the
// dependency is not called any more.
func outage(ctx context.Context, clients int, p retries.Policy) (calls int, errs []error) {
	dep := downDependency(nil, 10*time.Millisecond)
	call := callOf(dep)
	op := func(ctx context.Context) error {
		if dep.Calls() >= 10*clients {
			return errors.New("the test stopped the storm")
		}
		return call(ctx)
	}
	done := make(chan error, clients)
	for range clients {
		go func() { done <- retries.Do(ctx, p, op) }()
	}
	for range clients {
		errs = append(errs, <-done)
	}
	return dep.Calls(), errs
}

func TestBudgetHoldsAnOutageToOnePointOneTimesTheLoad(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const requests = 1000
		p := retries.Policy{MaxAttempts: 3, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5)}

		naive, _ := outage(t.Context(), requests, p)
		p.Budget = retries.NewBudget(0.1)
		budgeted, errs := outage(t.Context(), requests, p)

		t.Logf("%d requests to a dependency that is down, MaxAttempts 3: %d calls without a budget (%.1f×), %d with a 10%% budget (%.1f×)",
			requests, naive, float64(naive)/requests, budgeted, float64(budgeted)/requests)
		stopped := func(calls int) string {
			if calls >= 10*requests {
				return " (the test stopped the storm there)"
			}
			return ""
		}
		assert.Equal(t, 3*requests, naive,
			"without a budget, %d requests that each try 3 times should make 3 × %d calls; got %d%s",
			requests, requests, naive, stopped(naive))
		assert.Equal(t, requests+requests/10, budgeted,
			"with a budget of 10%%, %d requests should make %d first calls and %d retries, %d calls: got %d%s. "+
				"Count each request once (in Do, not per attempt), and allow a retry only while retries, "+
				"counting it, are at most 10%% of requests",
			requests, requests, requests/10, requests+requests/10, budgeted, stopped(budgeted))
		if budgeted >= 10*requests {
			return // the errors are the test's own, not the dependency's
		}
		refused := 0
		for _, err := range errs {
			require.ErrorIs(t, err, errUnavailable, "every request failed; its error should wrap the last error")
			if errors.Is(err, retries.ErrBudgetExhausted) {
				refused++
			}
		}
		assert.Equal(t, requests, refused,
			"%d of %d failed requests said the budget stopped them; want all: 900 never got a retry and the "+
				"100 that did were refused a second one. Wrap retries.ErrBudgetExhausted when the budget says no",
			refused, requests)
	})
}

func TestBudgetStillRetriesRareFailures(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		const requests = 200
		// One call in 20 fails, a blip; the retry right after it succeeds.
		dep := downDependency(nil, 10*time.Millisecond, backend.FailFunc(func(n int) error {
			if n%20 == 0 {
				return retries.Retryable(errUnavailable)
			}
			return nil
		}))
		p := retries.Policy{MaxAttempts: 3, Base: 100 * time.Millisecond, Cap: time.Second, Rand: constant(0.5),
			Budget: retries.NewBudget(0.1)}

		failed := 0
		for range requests {
			if err := retries.Do(t.Context(), p, callOf(dep)); err != nil {
				failed++
			}
		}

		assert.Zero(t, failed,
			"%d of %d requests failed; only 1 call in 20 failed, so retries stay near 5%% of requests, "+
				"well inside a 10%% budget, and every blip should be retried", failed, requests)
		assert.Equal(t, requests+requests/20, dep.Calls(),
			"%d requests and one retry for each of the %d blips", requests, requests/20)
	})
}
