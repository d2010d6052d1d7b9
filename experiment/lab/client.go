package lab

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	retries "github.com/wherewaiting/workshop/solutions/04-retries"
)

// Retries is how a client tries again after an attempt fails (refused, or
// no result within its timeout).
type Retries struct {
	// Name labels the policy in tables.
	Name string
	// Attempts is the most attempts an order gets; 1 means no retry.
	Attempts int
	// Budget, if not nil, must have a token for each retry (lesson 04's
	// capped token bucket, its solution itself). Nil: the client retries
	// whenever an attempt fails, as naive clients do.
	Budget *retries.Budget
	// Base and Cap set the backoff before retry n (from 0): a random wait
	// in [0, min(Cap, Base·2ⁿ)) (full jitter). Zero Base: retry at once.
	Base, Cap time.Duration
}

// NoRetries gives every order one attempt.
func NoRetries() Retries { return Retries{Name: "no retries", Attempts: 1} }

// NaiveRetries tries three times, at once, whatever happens to the service.
func NaiveRetries() Retries { return Retries{Name: "naive retries", Attempts: 3} }

// BudgetedRetries tries three times, after full-jitter backoff, while the
// client's budget (0.1 token an order, cap 10) has a token.
func BudgetedRetries(base, cap time.Duration) Retries {
	return Retries{Name: "budgeted retries", Attempts: 3, Budget: retries.NewBudget(0.1, 10), Base: base, Cap: cap}
}

// A Client places orders with a Service, as a person's browser or a shop's
// front end does: each attempt waits at most Timeout for the order's
// result, then gives up on it.
type Client struct {
	Service Service
	Timeout time.Duration
	Retries Retries
	// Seed makes each order's backoff draws its own, so they do not depend
	// on the order in which goroutines run.
	Seed uint64
}

// An Outcome is what the client saw of one order.
type Outcome struct {
	// Answered is when the client had the answer it stopped asking on:
	// the result (sync), Accepted, or its last failure.
	Answered time.Time
	// Fulfilled is true when an attempt's result came while it waited.
	Fulfilled bool
	// Attempts is how many attempts were made.
	Attempts int
}

// Order places order o, due at due (its scheduled time, from which every
// wait is measured), and tries again as the client's Retries allow.
func (c *Client) Order(ctx context.Context, o Order, due time.Time) Outcome {
	if c.Retries.Budget != nil {
		c.Retries.Budget.Request()
	}
	var rng *rand.Rand
	out := Outcome{}
	for n := 0; ; n++ {
		out.Attempts++
		attempt := o
		attempt.ID = o.ID*4 + int64(n) // a new ID each time: no idempotency key
		answered, err := c.try(ctx, attempt)
		out.Answered = answered
		if err == nil {
			out.Fulfilled = true
			return out
		}
		if out.Attempts >= c.Retries.Attempts || ctx.Err() != nil || !retryable(err) {
			return out
		}
		if c.Retries.Budget != nil && !c.Retries.Budget.TryRetry() {
			return out
		}
		if c.Retries.Base > 0 {
			if rng == nil {
				rng = rand.New(rand.NewPCG(c.Seed, uint64(o.Seq)))
			}
			ceiling := min(c.Retries.Cap, c.Retries.Base<<n)
			time.Sleep(time.Duration(rng.Int64N(int64(ceiling))))
		}
	}
}

// try makes one attempt: place, then wait for the result, within Timeout.
// It returns when the client had its answer to the POST, and the attempt's
// error (nil: fulfilled in time).
func (c *Client) try(ctx context.Context, o Order) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	r, err := c.Service.Place(ctx, o)
	answered := time.Now()
	if err != nil || r.Done {
		return answered, err
	}
	return answered, c.Service.Wait(ctx, o.ID)
}

// retryable says whether trying again could help: a refusal, or a wait cut
// short by the attempt's timeout.
func retryable(err error) bool {
	return errors.Is(err, ErrRefused) || errors.Is(err, context.DeadlineExceeded)
}
